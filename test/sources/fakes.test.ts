import { describe, it } from "vitest";
import { createFakeOlx } from "../../sim/fake-olx.ts";
import { createFakeOtodom } from "../../sim/fake-otodom.ts";
import { toBase62 } from "../../src/sources/base62.ts";
import type { FeedTarget } from "../../src/model/feed.ts";
import { dedupKey, directFetcher, PageError, readSearchPage } from "../../src/sources/index.ts";
import { fakeWeb } from "../helpers/fake-web.ts";
import { json, raw } from "./fixtures.ts";

const T0 = Date.parse("2026-11-20T10:00:00Z");
const MINUTE = 60_000;


function olxFake(initial: number, clock = () => T0) {
  return createFakeOlx({ offers: [json(raw.olxApiOffer)], envelope: json(raw.olxUzSearch), initial, now: T0, clock });
}

function otodomFake(initial: number, clock = () => T0) {
  return createFakeOtodom({
    nextData: json(raw.otodomKrakow2026),
    extraItems: [json(raw.otodomRentItem2026)],
    shellHtml: raw.otodomWarszawa2021,
    initial,
    now: T0,
    clock,
  });
}

/** One page of a feed, the way the cron gets it: adapter request → directFetcher → fake site → fetchPage → adapter parse. */
const readPage = (feed: FeedTarget, base: string, page = 1) => readSearchPage(directFetcher, feed, base, page);

describe("fake OLX", () => {
  it("answers /api/v1/offers/ with the real envelope, newest first, 40 a page", async ({ expect }) => {
    const olx = olxFake(45);
    const web = fakeWeb({ "https://www.olx.pl": olx.handle });
    try {
      const feed: FeedTarget = { source: "olx", deal: "rent", property: "flat", region: null };
      const first = await readPage(feed, "https://www.olx.pl");
      expect(first.errors).toEqual([]);
      expect(first.listings).toHaveLength(40);
      expect(first.hasNextPage).toBe(true);
      expect(first.listings[0]).toMatchObject({
        externalId: "900000044",
        url: `https://www.olx.pl/d/oferta/2-pokoje-plac-grunwaldzki-od-zaraz-promocja-v-ix-2023-CID3-ID${toBase62(900000044)}.html`,
        city: "Wrocław",
        deal: "rent",
        publishedAt: T0,
      });
      // Page 2 starts at offset 39, as OLX's own links.next: the last offer of page 1 again, then the other 5.
      const second = await readPage(feed, "https://www.olx.pl", 2);
      expect(second.listings).toHaveLength(6);
      expect(second.listings[0]?.externalId).toBe(first.listings[39]?.externalId);
      expect(second.hasNextPage).toBe(false);

      const body: unknown = await (await olx.handle(new Request("https://www.olx.pl/api/v1/offers/?offset=0&limit=1"))).json();
      expect(Object.keys(body as object)).toEqual(["data", "metadata", "links"]);
      expect((body as { links: { next: { href: string } } }).links.next.href).toContain("offset=1");
    } finally {
      web.restore();
    }
  });

  it("publishes new listings with fresh ids on top, and only for the requested category", async ({ expect }) => {
    const olx = olxFake(3);
    const web = fakeWeb({ "https://www.olx.pl": olx.handle });
    try {
      const ids = olx.publish(2, T0 + MINUTE);
      olx.publish(1, T0 + 2 * MINUTE, { categoryId: 14, cityId: 8959, cityName: "Kraków", regionId: 4, districtName: null, lat: 50.06, lon: 19.94 });
      const rent = await readPage({ source: "olx", deal: "rent", property: "flat", region: null }, "https://www.olx.pl");
      expect(rent.listings.map((l) => l.externalId)).toEqual([String(ids[1]), String(ids[0]), "900000002", "900000001", "900000000"]);
      const sale = await readPage({ source: "olx", deal: "sale", property: "flat", region: null }, "https://www.olx.pl");
      expect(sale.listings).toHaveLength(1);
      expect(sale.listings[0]).toMatchObject({ deal: "sale", city: "Kraków", district: null, lat: 50.06, publishedAt: T0 + 2 * MINUTE });
      expect(sale.listings[0]?.price).toBeGreaterThan(100_000);
    } finally {
      web.restore();
    }
  });

  it("publishes at a steady rate on the caller's clock", async ({ expect }) => {
    let now = T0;
    const olx = olxFake(0, () => now);
    olx.steady({ perMinute: 2, from: T0 });
    now = T0 + 5 * MINUTE - 1;
    const response = await olx.handle(new Request("https://www.olx.pl/api/v1/offers/?city_id=19701&category_id=15"));
    const body = (await response.json()) as { data: { created_time: string }[] };
    expect(body.data).toHaveLength(10); // t = 0, 0.5, …, 4.5 min
    expect(body.data.at(-1)?.created_time).toBe("2026-11-20T11:00:00+01:00");
  });

  it("can answer as blocked, rate-limited or with a changed format", async ({ expect }) => {
    const olx = olxFake(1);
    const web = fakeWeb({ "https://www.olx.pl": olx.handle });
    const feed: FeedTarget = { source: "olx", deal: "rent", property: "flat", region: null };
    try {
      for (const [mode, kind] of [["blocked", "blocked"], ["rate-limited", "blocked"], ["changed-format", "format"]] as const) {
        olx.setMode(mode);
        const error = await readPage(feed, "https://www.olx.pl").catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PageError);
        expect(error).toMatchObject({ kind });
      }
      olx.setMode("ok");
      expect((await readPage(feed, "https://www.olx.pl")).listings).toHaveLength(1);
      expect((await olx.handle(new Request("https://www.olx.pl/api/v1/offers/?limit=100"))).status).toBe(400);
      expect((await olx.handle(new Request("https://www.olx.pl/api/v1/offers/900000000/"))).status).toBe(200);
    } finally {
      web.restore();
    }
  });
});

describe("fake Otodom", () => {
  it("answers /pl/wyniki/… with a real page and real items, newest first", async ({ expect }) => {
    const otodom = otodomFake(80);
    const web = fakeWeb({ "https://www.otodom.pl": otodom.handle });
    try {
      const feed: FeedTarget = { source: "otodom", deal: "sale", property: "flat", region: null };
      const first = await readPage(feed, "https://www.otodom.pl");
      expect(first).toMatchObject({ errors: [], skipped: [], hasNextPage: true });
      expect(first.listings).toHaveLength(72);
      expect(first.listings[0]).toMatchObject({
        externalId: "70000079",
        url: expect.stringMatching(new RegExp(`-ID${toBase62(70000079)}$`)),
        city: "Kraków",
        deal: "sale",
        property: "flat",
        publishedAt: T0,
      });
      const [top] = first.listings;
      expect(top && dedupKey(top)).toBe(`otodom:${toBase62(70000079)}`);
      const second = await readPage(feed, "https://www.otodom.pl", 2);
      expect(second.listings).toHaveLength(8);
      expect(second.hasNextPage).toBe(false);
    } finally {
      web.restore();
    }
  });

  it("publishes rentals from the real RENT item and elsewhere only when asked", async ({ expect }) => {
    const otodom = otodomFake(2);
    const web = fakeWeb({ "https://www.otodom.pl": otodom.handle });
    try {
      const [id] = otodom.publish(1, T0 + MINUTE, { deal: "wynajem", estate: "mieszkanie", path: "wielkopolskie/poznan/poznan/poznan" });
      const rent = await readPage({ source: "otodom", deal: "rent", property: "flat", region: null }, "https://www.otodom.pl");
      expect(rent.listings).toEqual([expect.objectContaining({ externalId: String(id), deal: "rent", city: "Poznań", rent: 550 })]);
      const sale = await readPage({ source: "otodom", deal: "sale", property: "flat", region: null }, "https://www.otodom.pl");
      expect(sale.listings).toHaveLength(2);
    } finally {
      web.restore();
    }
  });

  it("can answer as blocked or without __NEXT_DATA__", async ({ expect }) => {
    const otodom = otodomFake(1);
    const web = fakeWeb({ "https://www.otodom.pl": otodom.handle });
    const feed: FeedTarget = { source: "otodom", deal: "sale", property: "flat", region: null };
    try {
      otodom.setMode("blocked");
      expect(await readPage(feed, "https://www.otodom.pl").catch((e: unknown) => e)).toMatchObject({ name: "PageError", kind: "blocked" });
      otodom.setMode("changed-format");
      expect(await readPage(feed, "https://www.otodom.pl").catch((e: unknown) => e)).toMatchObject({ name: "PageError", kind: "format" });
      otodom.setMode("ok");
      expect((await otodom.handle(new Request("https://www.otodom.pl/pl/oferta/x"))).status).toBe(404);
    } finally {
      web.restore();
    }
  });
});
