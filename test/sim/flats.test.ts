import { describe, it } from "vitest";
import { createFakeOlx } from "../../sim/fake-olx.ts";
import { createFakeOtodom } from "../../sim/fake-otodom.ts";
import { type FlatEventShares, type SiteTarget, createFlatEvents } from "../../sim/flat-events.ts";
import { prng } from "../../sim/random.ts";
import type { Listing } from "../../src/model/listing.ts";
import { flatBlockKey, flatBlockKeys, sameFlat } from "../../src/model/flat.ts";
import { olxOfferToListing } from "../../src/sources/olx/offer.ts";
import { searchItemToListing } from "../../src/sources/otodom/next-data.ts";
import { fakeCaptures } from "../sources/fixtures.ts";

const T0 = Date.parse("2026-11-20T10:00:00Z");

const captures = fakeCaptures;

/** The four feeds of the bench's small world: both sites in Wrocław (rent) and Kraków (sale). */
const FEEDS: readonly SiteTarget[] = [
  { site: "olx", target: { categoryId: 15, cityId: 19701, cityName: "Wrocław", regionId: 3, districtName: null, lat: 51.1079, lon: 17.0385 } },
  { site: "olx", target: { categoryId: 14, cityId: 8959, cityName: "Kraków", regionId: 4, districtName: null, lat: 50.0614, lon: 19.9366 } },
  { site: "otodom", target: { deal: "wynajem", estate: "mieszkanie", path: "dolnoslaskie/wroclaw/wroclaw/wroclaw", cityName: "Wrocław" } },
  { site: "otodom", target: { deal: "sprzedaz", estate: "mieszkanie", path: "malopolskie/krakow/krakow/krakow", cityName: "Kraków" } },
];
const counterpart = (where: SiteTarget) => FEEDS[(FEEDS.indexOf(where) + 2) % 4] ?? null;

/** `perFeed` publications on each feed, a second apart, the events mixed in by `shares`; every ad as the parsers read it now, with its flat. */
function publishAll(perFeed: number, shares: FlatEventShares) {
  const c = captures();
  const olx = createFakeOlx({ offers: c.olxOffers, envelope: c.olxEnvelope, now: T0, clock: () => T0 });
  const otodom = createFakeOtodom({ nextData: c.nextData, extraItems: c.extraItems, now: T0, clock: () => T0 });
  const events = createFlatEvents({ olx, otodom, shares, random: prng(7), counterpart, minAgeMs: 0 });
  for (let i = 0; i < perFeed * FEEDS.length; i++) events.publish(FEEDS[i % FEEDS.length] as SiteTarget, T0 + i * 1000);
  const warn = (m: string) => {
    throw new Error(m);
  };
  const ads: { listing: Listing; flat: string; key: string }[] = [
    ...olx.listings.map((l) => ({ listing: olxOfferToListing(l.offer, warn), flat: l.ad.flat.id, key: `olx:${l.id}` })),
    ...otodom.listings.flatMap((l) => {
      const listing = searchItemToListing(l.item, warn);
      return "skipped" in listing ? [] : [{ listing: listing as Listing, flat: l.ad.flat.id, key: `otodom:${l.id}` }];
    }),
  ];
  return { ads, events, olx, otodom };
}

/** Every pair the rule would ever compare (ads sharing a blocking key, as findFlatCandidates looks them up), judged by it and by the truth. */
function judgePairs(ads: ReturnType<typeof publishAll>["ads"]) {
  const byKey = Map.groupBy(ads, (a) => flatBlockKey(a.listing) ?? "none");
  const falseMerges: string[] = [];
  const missed: string[] = [];
  let samePairs = 0;
  const seen = new Set<string>();
  for (const a of ads) {
    for (const key of flatBlockKeys(a.listing)) {
      for (const b of byKey.get(key) ?? []) {
        const pair = a.key < b.key ? `${a.key} ${b.key}` : `${b.key} ${a.key}`;
        if (a === b || seen.has(pair)) continue;
        seen.add(pair);
        const same = sameFlat(a.listing, b.listing);
        if (a.flat === b.flat) samePairs++;
        if (same.same && a.flat !== b.flat) falseMerges.push(`${pair}: ${same.reasons.join(", ")} | ${a.listing.title} | ${b.listing.title}`);
        if (!same.same && a.flat === b.flat) missed.push(`${pair}: ${same.reasons.join(", ")} (score ${same.score})`);
      }
    }
  }
  return { falseMerges, missed, samePairs, compared: seen.size };
}

describe("the fakes' flats against the same-flat rule (src/model/flat.ts)", () => {
  it("shows distinct flats as distinct: 4 000 new flats on four feeds, no two merged", ({ expect }) => {
    const { ads } = publishAll(1000, { repost: 0, crossPost: 0, bump: 0, drop: 0, smallDrop: 0 });
    expect(ads).toHaveLength(4000);
    const { falseMerges, samePairs, compared } = judgePairs(ads);
    expect(samePairs).toBe(0);
    // Enough pairs share a blocking key for the claim to mean something.
    expect(compared).toBeGreaterThan(30_000);
    // Three weak points by chance (one city, deal, rooms, area within a metre, one floor, a price
    // within 1 %, pins within 150 m) happen among 4 000 fakes, as between units of one building; the
    // rule wants a point from the photo or the title too, so they stay apart.
    expect(falseMerges).toEqual([]);
  });

  it("shows a repost and a cross-post as their flat, and nothing else as it", ({ expect }) => {
    const { ads, events } = publishAll(800, { repost: 0.1, crossPost: 0.05, bump: 0.05, drop: 0.05, smallDrop: 0.02 });
    expect(events.counts.repost).toBeGreaterThan(200);
    expect(events.counts.crossPost).toBeGreaterThan(100);
    const { falseMerges, missed, samePairs } = judgePairs(ads);
    expect(samePairs).toBe(events.counts.repost + events.counts.crossPost);
    expect(missed).toEqual([]);
    expect(falseMerges).toEqual([]);
  });

  it("varies the flat as real ads do: areas with decimals spread by rooms, floors, titles, one photo file per flat", ({ expect }) => {
    const { ads } = publishAll(250, { repost: 0, crossPost: 0, bump: 0, drop: 0, smallDrop: 0 });
    const listings = ads.map((a) => a.listing);
    expect(new Set(listings.map((l) => l.rooms))).toEqual(new Set([1, 2, 3, 4]));
    expect(listings.filter((l) => l.areaM2 !== null && !Number.isInteger(l.areaM2)).length / listings.length).toBeGreaterThan(0.5);
    expect(new Set(listings.map((l) => l.floor)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(listings.map((l) => l.title)).size).toBeGreaterThan(listings.length * 0.98);
    expect(new Set(listings.map((l) => l.photoUrl)).size).toBe(listings.length);
    // Price follows area: a three-room flat costs more than a studio in the same feed, on average.
    const mean = (rooms: number) => {
      const p = listings.filter((l) => l.deal === "sale" && l.rooms === rooms && l.price !== null).map((l) => l.price as number);
      return p.reduce((s, x) => s + x, 0) / p.length;
    };
    expect(mean(3)).toBeGreaterThan(mean(1) * 1.8);
  });
});

describe("the fakes' events", () => {
  it("records each price drop, lowers the ad where the parser reads it, and bumps an ad off the first page along with it", ({ expect }) => {
    const { olx, otodom } = publishAll(200, { repost: 0, crossPost: 0, bump: 0, drop: 0.2, smallDrop: 0.1 });
    const changes = [...olx.priceChanges.map((c) => ({ ...c, site: "olx" as const })), ...otodom.priceChanges.map((c) => ({ ...c, site: "otodom" as const }))];
    expect(changes.length).toBeGreaterThan(150);
    const warn = () => {};
    for (const c of changes) {
      const pct = (c.old - c.new) / c.old;
      expect(pct >= 0.035 || (pct > 0.005 && pct < 0.025)).toBe(true);
      const price =
        c.site === "olx"
          ? olxOfferToListing(olx.listings.find((l) => l.id === c.id)?.offer, warn).price
          : (searchItemToListing(otodom.listings.find((l) => l.id === c.id)?.item, warn) as Listing).price;
      expect(price).toBe(c.new);
    }
    expect(changes.some((c) => c.bumped)).toBe(true);
    expect(changes.some((c) => !c.bumped)).toBe(true);
  });

  it("bumps an ad as the sites do: OLX's pushup and refresh move, created_time stays; Otodom's pushedUpAt and dateCreated move, createdAtFirst stays", ({ expect }) => {
    const { olx, otodom } = publishAll(100, { repost: 0, crossPost: 0, bump: 0.3, drop: 0, smallDrop: 0 });
    const warn = () => {};
    const bumpedOlx = olx.listings.filter((l) => l.refreshedAt > l.publishedAt);
    const bumpedOtodom = otodom.listings.filter((l) => l.refreshedAt > l.publishedAt);
    expect(bumpedOlx.length).toBeGreaterThan(10);
    expect(bumpedOtodom.length).toBeGreaterThan(10);
    for (const l of bumpedOlx) {
      expect(olxOfferToListing(l.offer, warn)).toMatchObject({ publishedAt: l.refreshedAt, firstListedAt: l.publishedAt, bumpedAt: l.refreshedAt });
    }
    for (const l of bumpedOtodom) {
      expect(searchItemToListing(l.item, warn)).toMatchObject({ publishedAt: l.refreshedAt, firstListedAt: l.publishedAt, bumpedAt: l.refreshedAt });
    }
  });
});

