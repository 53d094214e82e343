import { describe, it } from "vitest";
import { nationalCities } from "../../sim/cities.ts";
import { createFakeOlx } from "../../sim/fake-olx.ts";
import { createFakeOtodom } from "../../sim/fake-otodom.ts";
import { type NationalSitesOptions, createNationalSites } from "../../sim/national.ts";
import { toBase62 } from "../../src/sources/base62.ts";
import type { FeedTarget } from "../../src/model/feed.ts";
import type { Deal } from "../../src/model/listing.ts";
import { formatWarsawLocal } from "../../src/model/warsaw-time.ts";
import { dedupKey, directFetcher, PageError, readSearchPage } from "../../src/sources/index.ts";
import { olxAdapter } from "../../src/sources/olx/adapter.ts";
import { otodomAdapter } from "../../src/sources/otodom/adapter.ts";
import { fakeWeb } from "../helpers/fake-web.ts";
import { fakeCaptures, json, raw } from "./fixtures.ts";

const T0 = Date.parse("2026-11-20T10:00:00Z");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const OLX = "https://www.olx.pl";
const OTODOM = "https://www.otodom.pl";

type Json = Record<string, unknown>;

const cities = nationalCities(json(raw.olxCities));
const cityByOlxId = new Map(cities.map((c) => [c.olxId, c]));
const captures = fakeCaptures;

/** The national fakes with six hours of stock, answering as of the test's clock. */
function national(clock = { now: T0 }, over: Partial<NationalSitesOptions> = {}) {
  return createNationalSites({ captures: captures(), cities, now: T0, historyHours: 6, seed: 1, clock: () => clock.now, ...over });
}

/** The national feed the Worker polls. */
const feedOf = (source: FeedTarget["source"], deal: Deal): FeedTarget => ({ source, deal, property: "flat", region: null });

/** One page of a feed, the way a poller gets it: adapter request → directFetcher → fake site → fetchPage → adapter parse. */
const readPage = (feed: FeedTarget, base: string, page = 1) => readSearchPage(directFetcher, feed, base, page);

/** The JSON a fake OLX answers to the adapter's own request. */
async function olxBody(handle: (r: Request) => Promise<Response>, deal: Deal, page = 1) {
  const response = await handle(olxAdapter.searchRequest(feedOf("olx", deal), OLX, page));
  return (await response.json()) as { data: Json[]; metadata: { promoted: number[]; source: { promoted: number[]; organic: number[] }; total_elements: number; visible_total_count: number }; links: Record<string, { href: string }> };
}

/** The __NEXT_DATA__ of a fake Otodom answer. */
async function otodomNextData(response: Response) {
  const html = await response.text();
  const script = /<script id="__NEXT_DATA__" type="application\/json">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
  const page = JSON.parse(script) as { props: { pageProps: { data: { searchAds: { items: Json[]; pagination: Json } } } } };
  return page.props.pageProps.data.searchAds;
}

const olxTime = (offer: Json) => Date.parse(String(offer.last_refresh_time));

describe("fake OLX, national", () => {
  it("answers the national request as the real 2026 page: 39 newest offers in real towns, older promoted ones at the captured places, links.next at offset 39", async ({ expect }) => {
    const { olx } = national();
    const body = await olxBody(olx.handle, "sale");
    const captured = json(raw.olxGdansk2026) as { metadata: { promoted: number[] } };

    expect(body.data).toHaveLength(51);
    expect(body.metadata.promoted).toEqual(captured.metadata.promoted);
    expect(body.metadata.source.promoted).toEqual(captured.metadata.promoted);
    expect(body.metadata.source.organic).toHaveLength(39);
    expect(new URL(body.links.next?.href ?? "").searchParams.get("offset")).toBe("39");
    expect(new URL(body.links.next?.href ?? "").searchParams.get("limit")).toBe("40");

    const organic = body.metadata.source.organic.map((i) => body.data[i] as Json);
    const promoted = body.metadata.promoted.map((i) => body.data[i] as Json);
    // The top of the page is not the newest: promoted ads are older than every organic one.
    const newest = Math.max(...body.data.map(olxTime));
    expect(olxTime(body.data[0] as Json)).toBeLessThan(newest);
    expect(Math.max(...promoted.map(olxTime))).toBeLessThanOrEqual(T0 - HOUR);
    expect(promoted.every((o) => (o.promotion as Json).top_ad === true)).toBe(true);
    expect(organic.map(olxTime)).toEqual([...organic.map(olxTime)].sort((a, b) => b - a));
    // Every offer names a real OLX town with its own id and region, and sits in the sale category.
    for (const offer of body.data) {
      const location = offer.location as { city: { id: number; name: string; normalized_name: string }; region: { id: number; normalized_name: string } };
      const city = cityByOlxId.get(location.city.id);
      expect(city?.name).toBe(location.city.name);
      expect(location.city.normalized_name).toBe(city?.olxSlug);
      expect(location.region).toMatchObject({ id: city?.regionId, normalized_name: city?.regionSlug });
      expect(offer.category).toMatchObject({ id: 14 });
    }
  });

  it("parses with the real parser into listings spread over many towns, Otodom cross-posts pointing at otodom.pl", async ({ expect }) => {
    const { olx } = national();
    const web = fakeWeb({ [OLX]: olx.handle });
    try {
      const page = await readPage(feedOf("olx", "rent"), OLX);
      expect(page).toMatchObject({ errors: [], hasNextPage: true });
      expect(page.listings).toHaveLength(51);
      expect(page.listings.every((l) => l.deal === "rent" && l.property === "flat" && l.price !== null && l.price < 10_000)).toBe(true);
      expect(new Set(page.listings.map((l) => l.city)).size).toBeGreaterThan(10);
      const crossPosts = page.listings.filter((l) => l.url.startsWith("https://www.otodom.pl/pl/oferta/"));
      expect(crossPosts.length).toBeGreaterThan(5);
      expect(crossPosts.every((l) => dedupKey(l).startsWith("otodom:"))).toBe(true);
      expect(web.requests[0]?.url).toBe(`${OLX}/api/v1/offers?offset=0&limit=40&category_id=15&sort_by=created_at%3Adesc`);
    } finally {
      web.restore();
    }
  });

  it("pages on by 39 organic offers: page 2 takes up where page 1 stopped, no gap, no repeat", async ({ expect }) => {
    const { olx } = national();
    const organicIds = (body: Awaited<ReturnType<typeof olxBody>>) => body.metadata.source.organic.map((i) => Number((body.data[i] as Json).id));
    const first = organicIds(await olxBody(olx.handle, "sale", 1));
    const second = organicIds(await olxBody(olx.handle, "sale", 2));
    const sales = olx.listings.filter((l) => l.target.categoryId === 14).sort((a, b) => b.publishedAt - a.publishedAt || b.id - a.id);
    expect([...first, ...second]).toEqual(sales.slice(0, 78).map((l) => l.id));
  });

  it("publishes at the national rate on whole seconds, in towns by weight, about 55 % for sale", async ({ expect }) => {
    const clock = { now: T0 };
    const sites = national(clock, { historyHours: 0 });
    sites.publish(T0, T0 + 6 * HOUR);
    clock.now = T0 + 6 * HOUR;
    sites.olx.advance(clock.now);
    const published = sites.olx.listings;
    // 3 000 a day: 750 in six hours, give or take a Poisson spread (sd ≈ 27).
    expect(published.length).toBeGreaterThan(650);
    expect(published.length).toBeLessThan(850);
    expect(published.every((l) => l.publishedAt % 1000 === 0 && l.publishedAt >= T0 && l.publishedAt <= clock.now)).toBe(true);
    const sale = published.filter((l) => l.target.categoryId === 14).length / published.length;
    expect(sale).toBeGreaterThan(0.48);
    expect(sale).toBeLessThan(0.62);
    const byTown = Map.groupBy(published, (l) => l.target.cityName);
    const [top] = [...byTown].sort((a, b) => b[1].length - a[1].length);
    expect(top?.[0]).toBe("Warszawa");
    expect(byTown.size).toBeGreaterThan(150);
  });

  it("counts requests per feed and per minute, and which polls held nothing new as the site saw them", async ({ expect }) => {
    const clock = { now: T0 };
    const sites = national(clock);
    const { olx } = sites;
    await olxBody(olx.handle, "sale"); // the first poll: news to the poller, whatever it holds
    clock.now += 3_000;
    await olxBody(olx.handle, "sale"); // nothing published since: empty
    await olxBody(olx.handle, "sale", 2); // a further page: a request, not a poll
    await olxBody(olx.handle, "rent"); // another feed
    olx.publish(1, clock.now, { categoryId: 14, cityId: 17871, cityName: "Warszawa", regionId: 2 });
    clock.now += MINUTE;
    await olxBody(olx.handle, "sale"); // a new sale on top: not empty

    const feeds = olx.feeds;
    expect(feeds["olx:sale:flat:pl"]).toMatchObject({ requests: 4, polls: 3, emptyPolls: 1 });
    expect(feeds["olx:sale:flat:pl"]?.pollLog.map((p) => p.empty)).toEqual([false, true, false]);
    expect(Object.values(feeds["olx:sale:flat:pl"]?.perMinute ?? {})).toEqual([3, 1]);
    expect(feeds["olx:rent:flat:pl"]).toMatchObject({ requests: 1, polls: 1, emptyPolls: 0 });
  });

  it("keeps the promoted ads a page shows unless told to rotate them", async ({ expect }) => {
    const clock = { now: T0 };
    const promotedIds = async (handle: (r: Request) => Promise<Response>) => {
      const body = await olxBody(handle, "sale");
      return body.metadata.promoted.map((i) => (body.data[i] as Json).id);
    };
    const still = national(clock).olx;
    const rotating = national(clock, { promotedRotateMs: MINUTE }).olx;
    const [a, b] = [await promotedIds(still.handle), await promotedIds(rotating.handle)];
    clock.now += MINUTE;
    expect(await promotedIds(still.handle)).toEqual(a);
    expect(await promotedIds(rotating.handle)).not.toEqual(b);
  });
});

describe("fake Otodom, national", () => {
  it("answers cala-polska as the real 2026 page: the 72 newest flats from all over Poland, the capture's tiles in place, real pagination", async ({ expect }) => {
    const { otodom } = national();
    const web = fakeWeb({ [OTODOM]: otodom.handle });
    try {
      const page = await readPage(feedOf("otodom", "sale"), OTODOM);
      expect(web.requests[0]?.url).toBe(`${OTODOM}/pl/wyniki/sprzedaz/mieszkanie/cala-polska?by=LATEST&direction=DESC&limit=72&page=1`);
      expect(page).toMatchObject({ errors: [], hasNextPage: true });
      expect(page.listings).toHaveLength(72);
      // The capture's four developer tiles and its promoted copy, skipped by the parser as on the real page.
      expect(page).toMatchObject({ skipped: Array.from({ length: 5 }, () => expect.objectContaining({ message: expect.any(String) })) });
      expect(new Set(page.listings.map((l) => l.city)).size).toBeGreaterThan(10);
      const sales = otodom.listings.filter((l) => l.target.deal === "sprzedaz").sort((a, b) => b.publishedAt - a.publishedAt || b.id - a.id);
      expect(page.listings.map((l) => [l.externalId, l.publishedAt])).toEqual(sales.slice(0, 72).map((l) => [String(l.id), l.publishedAt]));

      const second = await readPage(feedOf("otodom", "sale"), OTODOM, 2);
      expect(second.listings.map((l) => l.externalId)).toEqual(sales.slice(72, 144).map((l) => String(l.id)));
    } finally {
      web.restore();
    }
  });

  it("writes each item's place as Otodom does for its town, dateCreated in Warsaw wall time", async ({ expect }) => {
    const { otodom } = national();
    const ads = await otodomNextData(await otodom.handle(otodomAdapter.searchRequest(feedOf("otodom", "rent"), OTODOM, 1)));
    const rentals = otodom.listings.filter((l) => l.target.deal === "wynajem");
    expect(ads.pagination).toEqual({ totalItems: rentals.length, totalPages: Math.ceil(rentals.length / 72), currentPage: 1, itemsPerPage: 72, __typename: "SearchPagination" });
    const byPath = new Map(cities.map((c) => [c.otodomPath, c]));
    const flats = ads.items.filter((i) => i.estate === "FLAT" && !String(i.href).startsWith("hpr/"));
    expect(flats).toHaveLength(72);
    for (const item of flats) {
      const published = otodom.listings.find((l) => l.id === item.id);
      const city = byPath.get(published?.target.path ?? "");
      const location = item.location as { address: { city: { name: string }; province: { name: string } }; reverseGeocoding: { locations: Json[] } };
      expect(item.transaction).toBe("RENT");
      expect(location.address.city.name).toBe(city?.name);
      expect(location.address.province.name).toBe(city?.regionName);
      expect(location.reverseGeocoding.locations).toEqual([
        expect.objectContaining({ locationLevel: "voivodeship", id: city?.otodomPath.split("/")[0], name: city?.regionName }),
        expect.objectContaining({ locationLevel: "city_or_village", id: city?.otodomPath, name: city?.name }),
      ]);
      expect(item.dateCreated).toBe(formatWarsawLocal(published?.publishedAt ?? 0));
    }
  });

  it("answers a voivodeship with its own towns only, and counts its polls as a feed of their own", async ({ expect }) => {
    const { otodom } = national();
    const ads = await otodomNextData(await otodom.handle(new Request(`${OTODOM}/pl/wyniki/sprzedaz/mieszkanie/pomorskie?by=LATEST&direction=DESC&limit=72&page=1`)));
    const flats = ads.items.filter((i) => i.estate === "FLAT" && !String(i.href).startsWith("hpr/"));
    expect(flats.length).toBeGreaterThan(0);
    expect(flats.every((i) => (i.location as { address: { province: { name: string } } }).address.province.name === "pomorskie")).toBe(true);
    expect(Object.keys(otodom.feeds)).toEqual(["otodom:sale:flat:pomorskie"]);
  });

  it("counts an unchanged first page as an empty poll and a new listing on top as news", async ({ expect }) => {
    const clock = { now: T0 };
    const { otodom } = national(clock);
    const poll = async () => otodom.handle(new Request(`${OTODOM}/pl/wyniki/sprzedaz/mieszkanie/cala-polska?by=LATEST&direction=DESC&limit=72&page=1`));
    await poll();
    clock.now += 5_000;
    await poll();
    otodom.publish(1, clock.now, { deal: "sprzedaz", estate: "mieszkanie", path: "mazowieckie/warszawa/warszawa/warszawa", cityName: "Warszawa", regionName: "mazowieckie" });
    await poll();
    expect(otodom.feeds["otodom:sale:flat:pl"]).toMatchObject({ requests: 3, polls: 3, emptyPolls: 1 });
  });
});

/** The compressed worlds' fakes (`npm start`, --small, --large): a few feeds' worth, published when the caller says. */
describe("fake OLX and Otodom, published on request", () => {
  const olxFake = (initial: number, clock = () => T0) => {
    const c = captures();
    return createFakeOlx({ offers: c.olxOffers, envelope: c.olxEnvelope, initial, now: T0, clock });
  };
  const otodomFake = (initial: number, clock = () => T0) => {
    const c = captures();
    return createFakeOtodom({ nextData: c.nextData, extraItems: c.extraItems, shellHtml: raw.otodomWarszawa2021, initial, now: T0, clock });
  };

  it("OLX: rentals of the template's Wrocław by default, 39 a page newest first; sales where and when asked", async ({ expect }) => {
    const olx = olxFake(45);
    const web = fakeWeb({ [OLX]: olx.handle });
    try {
      const first = await readPage(feedOf("olx", "rent"), OLX);
      expect(first).toMatchObject({ errors: [], hasNextPage: true });
      expect(first.listings).toHaveLength(39);
      expect(first.listings[0]).toMatchObject({
        externalId: "900000044",
        url: `https://www.olx.pl/d/oferta/2-pokoje-plac-grunwaldzki-od-zaraz-promocja-v-ix-2023-CID3-ID${toBase62(900000044)}.html`,
        city: "Wrocław",
        deal: "rent",
        publishedAt: T0,
      });
      const second = await readPage(feedOf("olx", "rent"), OLX, 2);
      expect(second.listings.map((l) => l.externalId)).toEqual(["900000005", "900000004", "900000003", "900000002", "900000001", "900000000"]);
      expect(second.hasNextPage).toBe(false);

      const [sale] = olx.publish(1, T0 + MINUTE, { categoryId: 14, cityId: 8959, cityName: "Kraków", regionId: 4, districtName: null, lat: 50.06, lon: 19.94 });
      const sales = await readPage(feedOf("olx", "sale"), OLX);
      expect(sales.listings).toEqual([expect.objectContaining({ externalId: String(sale), deal: "sale", city: "Kraków", district: null, publishedAt: T0 + MINUTE })]);
      // The flat's own pin, within a few km of the place asked for (sim/flats.ts).
      expect(Math.abs((sales.listings[0]?.lat ?? 0) - 50.06)).toBeLessThan(0.06);
      expect(sales.listings[0]?.price).toBeGreaterThan(100_000);
    } finally {
      web.restore();
    }
  });

  it("OLX: publishes at a steady rate on the caller's clock", async ({ expect }) => {
    let now = T0;
    const olx = olxFake(0, () => now);
    olx.steady({ perMinute: 2, from: T0 });
    now = T0 + 5 * MINUTE - 1;
    const body = (await (await olx.handle(new Request(`${OLX}/api/v1/offers?category_id=15`))).json()) as { data: { created_time: string }[] };
    expect(body.data).toHaveLength(10); // t = 0, 0.5, …, 4.5 min
    expect(body.data.at(-1)?.created_time).toBe("2026-11-20T11:00:00+01:00");
  });

  it("OLX: can answer as blocked, rate-limited or with a changed format, and refuses what the API refuses", async ({ expect }) => {
    const olx = olxFake(1);
    const web = fakeWeb({ [OLX]: olx.handle });
    try {
      for (const [mode, kind] of [["blocked", "blocked"], ["rate-limited", "blocked"], ["changed-format", "format"]] as const) {
        olx.setMode(mode);
        const error = await readPage(feedOf("olx", "rent"), OLX).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PageError);
        expect(error).toMatchObject({ kind });
      }
      olx.setMode("ok");
      expect((await readPage(feedOf("olx", "rent"), OLX)).listings).toHaveLength(1);
      // Refused answers are requests of the feed, not polls.
      expect(olx.feeds["olx:rent:flat:pl"]).toMatchObject({ requests: 4, polls: 1 });
      expect((await olx.handle(new Request(`${OLX}/api/v1/offers?limit=100`))).status).toBe(400);
      expect((await olx.handle(new Request(`${OLX}/api/v1/offers/900000000/`))).status).toBe(200);
    } finally {
      web.restore();
    }
  });

  it("Otodom: Kraków sales by default, 72 a page; rentals from the real RENT item where asked", async ({ expect }) => {
    const otodom = otodomFake(80);
    const web = fakeWeb({ [OTODOM]: otodom.handle });
    try {
      const first = await readPage(feedOf("otodom", "sale"), OTODOM);
      expect(first).toMatchObject({ errors: [], hasNextPage: true });
      expect(first.listings).toHaveLength(72);
      expect(first.listings[0]).toMatchObject({
        externalId: "70000079",
        url: expect.stringMatching(new RegExp(`-ID${toBase62(70000079)}$`)),
        city: "Kraków",
        deal: "sale",
        property: "flat",
        publishedAt: T0,
      });
      const second = await readPage(feedOf("otodom", "sale"), OTODOM, 2);
      expect(second.listings).toHaveLength(8);
      expect(second.hasNextPage).toBe(false);

      const [id] = otodom.publish(1, T0 + MINUTE, { deal: "wynajem", estate: "mieszkanie", path: "wielkopolskie/poznan/poznan/poznan" });
      const rent = await readPage(feedOf("otodom", "rent"), OTODOM);
      expect(rent.listings).toEqual([expect.objectContaining({ externalId: String(id), deal: "rent", city: "Poznań", rent: 550 })]);
    } finally {
      web.restore();
    }
  });

  it("Otodom: a listing placed in another voivodeship than its template's is in that one (the template's own left behind)", async ({ expect }) => {
    const otodom = otodomFake(0);
    const web = fakeWeb({ [OTODOM]: otodom.handle });
    try {
      // Kraków sales cycle through the Kraków items and the Gdańsk one (pomorskie); a rental comes from Poznań's (wielkopolskie).
      otodom.publish(30, T0, { deal: "sprzedaz", estate: "mieszkanie", path: "malopolskie/krakow/krakow/krakow", cityName: "Kraków" });
      otodom.publish(1, T0, { deal: "wynajem", estate: "mieszkanie", path: "kujawsko--pomorskie/bydgoszcz/bydgoszcz/bydgoszcz", cityName: "Bydgoszcz" });
      const sales = await readPage(feedOf("otodom", "sale"), OTODOM);
      expect(sales.listings).toHaveLength(30);
      expect(new Set(sales.listings.map((l) => `${l.city} ${l.region}`))).toEqual(new Set(["Kraków malopolskie"]));
      const [rental] = otodom.listings.filter((l) => l.target.deal === "wynajem");
      const location = rental?.item.location as { address: { city: { name: string }; province: { name: string } }; reverseGeocoding: { locations: Json[] } };
      expect(location.address).toMatchObject({ city: { name: "Bydgoszcz" }, province: { name: "kujawsko-pomorskie" } });
      expect(location.reverseGeocoding.locations[0]).toMatchObject({ locationLevel: "voivodeship", id: "kujawsko--pomorskie", name: "kujawsko-pomorskie" });
    } finally {
      web.restore();
    }
  });

  it("Otodom: can answer as blocked or without __NEXT_DATA__", async ({ expect }) => {
    const otodom = otodomFake(1);
    const web = fakeWeb({ [OTODOM]: otodom.handle });
    try {
      otodom.setMode("blocked");
      expect(await readPage(feedOf("otodom", "sale"), OTODOM).catch((e: unknown) => e)).toMatchObject({ name: "PageError", kind: "blocked" });
      otodom.setMode("changed-format");
      expect(await readPage(feedOf("otodom", "sale"), OTODOM).catch((e: unknown) => e)).toMatchObject({ name: "PageError", kind: "format" });
      otodom.setMode("ok");
      expect((await otodom.handle(new Request(`${OTODOM}/pl/oferta/x`))).status).toBe(404);
    } finally {
      web.restore();
    }
  });
});
