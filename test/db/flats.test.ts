import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import { FLAT_PRICE_HISTORY, findFlatCandidates, flatPriceHistory, upsertListings } from "../../src/db/listings.ts";
import { priceMediansOf, recomputePriceMedians } from "../../src/db/price-medians.ts";
import { useDb } from "../../src/db/client.ts";
import { flatBlockKey, flatBlockKeys, flatKeyFor } from "../../src/model/flat.ts";
import type { Listing } from "../../src/model/listing.ts";
import { MEDIAN_WINDOW_MS, MIN_MEDIAN_SAMPLE, compareToMedian } from "../../src/model/price-median.ts";
import { dedupKey } from "../../src/sources/dedup-key.ts";
import { podgorzeBalkonItem } from "../helpers/listings.ts";
import { cityId, resetDb, seedFeed, storeAsThePoller } from "../helpers/seed.ts";

beforeEach(resetDb);

const T0 = Date.parse("2026-04-09T18:00:00+02:00");

/** The 2026 Kraków capture's Podgórze flat (item 63496464) as the poller stores it, with its flat. */
async function store(listings: readonly Listing[], now: number, flatKey?: string) {
  const feedId = await seedFeed({ source: "otodom", deal: "sale", property: "flat" });
  const krakow = await cityId("krakow");
  return upsertListings(
    env.DB,
    listings.map((l) => ({ ...l, dedupKey: dedupKey(l), cityId: krakow, fingerprint: flatBlockKey(l), flatKey: flatKey ?? dedupKey(l) })),
    { feedId, now, notify: true },
  );
}

describe("a flat's price history (flat_prices)", () => {
  it("records a price when an ad of the flat is stored with another one, not when it is seen again at the same", async ({ expect }) => {
    await store([podgorzeBalkonItem], T0);
    await store([{ ...podgorzeBalkonItem, price: 745_000 }], T0 + 60_000);
    // The agency's repost under a new id, same flat (flat key of the first ad), same price again.
    const repost = { ...podgorzeBalkonItem, externalId: "67900000", url: "https://www.otodom.pl/pl/oferta/x-ID4Bxyz", price: 745_000 };
    await store([repost], T0 + 120_000, dedupKey(podgorzeBalkonItem));
    const history = (await flatPriceHistory(env.DB, [dedupKey(podgorzeBalkonItem)])).get(dedupKey(podgorzeBalkonItem)) ?? [];
    expect(history.map((h) => [h.price, h.seenAt])).toEqual([
      [768_000, T0],
      [745_000, T0 + 60_000],
    ]);
  });

  it(`keeps the newest ${FLAT_PRICE_HISTORY} prices of a flat`, async ({ expect }) => {
    for (let i = 0; i < FLAT_PRICE_HISTORY + 5; i++) await store([{ ...podgorzeBalkonItem, price: 800_000 - i * 1000 }], T0 + i * 60_000);
    const history = (await flatPriceHistory(env.DB, [dedupKey(podgorzeBalkonItem)])).get(dedupKey(podgorzeBalkonItem)) ?? [];
    expect(history).toHaveLength(FLAT_PRICE_HISTORY);
    expect(history[0]?.price).toBe(795_000);
    expect(history.at(-1)?.price).toBe(800_000 - (FLAT_PRICE_HISTORY + 4) * 1000);
  });
});

describe("same-flat candidates from D1", () => {
  it("finds a stored ad under the repost's blocking keys, and the repost gets its flat", async ({ expect }) => {
    await store([{ ...podgorzeBalkonItem, areaM2: 40.4 }], T0);
    // Re-listed with a new id, 40 m² rounded differently (40.6 → block 41), 3 % cheaper.
    const repost = { ...podgorzeBalkonItem, externalId: "67900000", url: "https://www.otodom.pl/pl/oferta/x-ID4Bxyz", areaM2: 40.6, price: 745_000 };
    const candidates = await findFlatCandidates(env.DB, flatBlockKeys(repost), T0 + 60_000);
    expect(candidates.map((c) => c.dedupKey)).toEqual([dedupKey(podgorzeBalkonItem)]);
    expect(flatKeyFor({ ...repost, dedupKey: dedupKey(repost) }, candidates)).toBe(dedupKey(podgorzeBalkonItem));
    // Older than 90 days: not a candidate any more.
    expect(await findFlatCandidates(env.DB, flatBlockKeys(repost), T0 + MEDIAN_WINDOW_MS + 1)).toEqual([]);
  });
});

describe("price medians (cron) and the comparison the card shows", () => {
  /** n flats for sale in Kraków, 2 rooms, 50 m², at 10 000, 10 100, … zł/m², in `district`. */
  const flats = (n: number, district: string, from = 0): Listing[] =>
    Array.from({ length: n }, (_, i) => ({
      ...podgorzeBalkonItem,
      externalId: String(70_000_000 + from + i),
      url: `https://www.otodom.pl/pl/oferta/m-ID${70_000_000 + from + i}`,
      title: `Mieszkanie ${from + i}`,
      district,
      areaM2: 50,
      price: (10_000 + (from + i) * 100) * 50,
      pricePerM2: 10_000 + (from + i) * 100,
    }));

  it(`stores a median only from ${MIN_MEDIAN_SAMPLE} flats on, falls back from the district to the city`, async ({ expect }) => {
    await storeAsThePoller(flats(31, "Podgórze"), { seenAt: T0, city: "krakow" });
    await storeAsThePoller(flats(10, "Krowodrza", 31), { seenAt: T0, city: "krakow" });
    // An old ad (before the window) is left out.
    await storeAsThePoller(flats(1, "Podgórze", 99), { seenAt: T0 - MEDIAN_WINDOW_MS - 60_000, city: "krakow" });
    const now = T0 + 3_600_000;
    expect(await recomputePriceMedians(env.DB, { since: now - MEDIAN_WINDOW_MS, now, minSample: MIN_MEDIAN_SAMPLE })).toBe(2);
    const krakow = await cityId("krakow");
    const medians = await priceMediansOf(useDb(env.DB), { cityIds: [krakow] });
    expect(medians.sort((a, b) => a.district.localeCompare(b.district))).toEqual([
      // 41 flats at 10 000 … 14 000: the 21st is 12 000.
      { deal: "sale", property: "flat", cityId: krakow, district: "", roomsBand: 2, medianPerM2: 12_000, n: 41 },
      // Podgórze's 31 at 10 000 … 13 000: the 16th is 11 500. Krowodrza's 10 are too few: no row.
      { deal: "sale", property: "flat", cityId: krakow, district: "Podgórze", roomsBand: 2, medianPerM2: 11_500, n: 31 },
    ]);
    const listing = { deal: "sale", property: "flat", cityId: krakow, rooms: 2, areaM2: 50, price: 506_000, pricePerM2: 10_120 } as const;
    expect(compareToMedian({ ...listing, district: "Podgórze" }, medians)).toEqual({ pct: -12, district: "Podgórze", roomsBand: 2, n: 31, medianPerM2: 11_500 });
    expect(compareToMedian({ ...listing, district: "Krowodrza" }, medians)).toEqual({ pct: -16, district: null, roomsBand: 2, n: 41, medianPerM2: 12_000 });
    expect(compareToMedian({ ...listing, district: "Krowodrza", rooms: 3 }, medians)).toBeNull();
    expect(compareToMedian({ ...listing, district: null, price: null, pricePerM2: null }, medians)).toBeNull();
  });

  it("counts a flat once however many ads it has (its latest ad's price)", async ({ expect }) => {
    const thirty = flats(30, "Podgórze");
    await storeAsThePoller(thirty, { seenAt: T0, city: "krakow" });
    const first = thirty[0];
    if (!first) throw new Error("no flats");
    // Three reposts of the first flat, keyed to it, the last one 5 % cheaper.
    const reposts = flats(3, "Podgórze", 500).map((l, i) => ({ ...l, price: first.price, pricePerM2: i === 2 ? 9_500 : 10_000 }));
    for (const [i, r] of reposts.entries()) await store([r], T0 + (i + 1) * 60_000, dedupKey(first));
    await recomputePriceMedians(env.DB, { since: T0 - 1, now: T0 + 3_600_000, minSample: MIN_MEDIAN_SAMPLE });
    const [city] = (await priceMediansOf(useDb(env.DB), { cityIds: [await cityId("krakow")] })).filter((m) => m.district === "");
    // 30 flats, not 33 ads; 10 000 … 12 900 with the first at 9 500: the 15th and 16th average 11 450.
    expect(city).toMatchObject({ n: 30, medianPerM2: 11_450 });
  });

  it("deletes a median whose sample fell under the threshold on the next run", async ({ expect }) => {
    await storeAsThePoller(flats(30, "Podgórze"), { seenAt: T0, city: "krakow" });
    expect(await recomputePriceMedians(env.DB, { since: T0 - 1, now: T0 + 1, minSample: MIN_MEDIAN_SAMPLE })).toBe(2);
    // 90 days on, the same 30 are out of the window.
    expect(await recomputePriceMedians(env.DB, { since: T0 + 2, now: T0 + 3, minSample: MIN_MEDIAN_SAMPLE })).toBe(0);
  });
});
