import { describe, it } from "vitest";
import { parseOlxApiJson } from "../../src/sources/olx/search-response.ts";
import { parseOtodomNextData } from "../../src/sources/otodom/next-data.ts";
import { relistedSince } from "../../src/model/listing.ts";
import { bumpAfter, parseIsoInstant } from "../../src/sources/published-at.ts";
import { raw, record } from "./fixtures.ts";

describe("parseIsoInstant", () => {
  it("reads the sites' offsets and Z to the same instant", ({ expect }) => {
    const instant = Date.UTC(2023, 4, 20, 9, 32, 37);
    expect(parseIsoInstant("2023-05-20T11:32:37+02:00")).toBe(instant);
    expect(parseIsoInstant("2023-05-20T09:32:37Z")).toBe(instant);
    expect(parseIsoInstant("2023-05-20T09:32:37.000Z")).toBe(instant);
    expect(parseIsoInstant("2023-05-20T11:32:37+0200")).toBe(instant);
  });

  it("refuses a time without offset, a date that does not exist, and other text", ({ expect }) => {
    expect(parseIsoInstant("2023-05-20T11:32:37")).toBeNull(); // whose 11:32?
    expect(parseIsoInstant("2023-02-30T10:00:00Z")).toBeNull(); // Date.parse: 2 March
    expect(parseIsoInstant("2023-05-20T25:00:00Z")).toBeNull();
    expect(parseIsoInstant("dzisiaj 19:00")).toBeNull();
  });
});

describe("publishedAt, read once by the parser", () => {
  it("is null with a counted warning when OLX's time does not read, and when it is implausible", ({ expect }) => {
    const unreadable = record(raw.olxApiOffer);
    unreadable.last_refresh_time = "20.05.2023 11:32";
    const epoch = record(raw.olxApiOffer);
    epoch.id = 1;
    epoch.last_refresh_time = "1970-01-01T01:00:00+01:00";
    const page = parseOlxApiJson({ data: [unreadable, epoch], links: {} });
    expect(page.listings.map((l) => l.publishedAt)).toEqual([null, null]);
    expect(page.warnings).toEqual([
      { item: "654667240", message: 'publishedAt "20.05.2023 11:32" is not an ISO 8601 time with offset' },
      { item: "1", message: "publishedAt 0 is not plausible" },
    ]);
  });

  it("falls back from an unreadable Otodom pushedUpAt to dateCreated, with a warning", ({ expect }) => {
    const item = record(raw.otodomRentItem2026);
    item.pushedUpAt = "yesterday";
    item.dateCreated = "2026-02-07 11:38:12";
    const page = parseOtodomNextData({ props: { pageProps: { data: { searchAds: { items: [item] } } } } });
    expect(page.listings[0]?.publishedAt).toBe(Date.parse("2026-02-07T11:38:12+01:00"));
    expect(page.warnings).toEqual([{ item: "67647605", message: 'publishedAt "yesterday" is not an ISO 8601 time with offset' }]);
  });
});

describe("bumps: the first listing kept apart from the push to the top", () => {
  const searchPage = (...items: unknown[]) => ({ props: { pageProps: { data: { searchAds: { items } } } } });

  it("reads the bumped 2026 Otodom item (Gdańsk): dateCreated is the bump, createdAtFirst twelve days earlier", ({ expect }) => {
    const [listing] = parseOtodomNextData(searchPage(record(raw.otodomGdanskItem2026))).listings;
    // dateCreated "2026-09-07 10:18:43" = pushedUpAt "2026-09-07T10:18:43+02:00"; createdAtFirst "2026-08-26T10:15:25Z" (Warsaw clock).
    expect(listing).toMatchObject({
      externalId: "68350699",
      publishedAt: Date.parse("2026-09-07T10:18:43+02:00"),
      firstListedAt: Date.parse("2026-08-26T10:15:25+02:00"),
      bumpedAt: Date.parse("2026-09-07T10:18:43+02:00"),
      floor: 0, // "GROUND"
    });
    expect(listing && relistedSince(listing)).toBe(Date.parse("2026-08-26T10:15:25+02:00"));
  });

  it("reads OLX's created_time and pushup_time: the 2023 Wrocław offer was first listed two years before its bump", ({ expect }) => {
    const [offer] = parseOlxApiJson({ data: [record(raw.olxApiOffer)], links: {} }).listings;
    expect(offer).toMatchObject({
      publishedAt: Date.parse("2023-05-20T11:32:37+02:00"),
      firstListedAt: Date.parse("2021-01-28T14:17:54+01:00"),
      bumpedAt: Date.parse("2023-05-20T11:32:37+02:00"),
    });
  });

  it("is no bump when the ad was never pushed up, or was pushed up within a minute of its creation", ({ expect }) => {
    const fresh = record(raw.otodomGdanskItem2026);
    fresh.pushedUpAt = null;
    fresh.dateCreated = "2026-08-26 10:15:25";
    const instant = record(raw.otodomGdanskItem2026);
    instant.id = 2;
    instant.pushedUpAt = "2026-08-26T10:15:40+02:00";
    const { listings } = parseOtodomNextData(searchPage(fresh, instant));
    expect(listings.map((l) => l.bumpedAt)).toEqual([null, null]);
    expect(listings.map((l) => relistedSince(l))).toEqual([null, null]);
    expect(bumpAfter(null, Date.now())).toBeNull();
  });

  it("says when a bump came less than a day after the first listing: not worth a note", ({ expect }) => {
    const t = Date.parse("2026-04-09T13:23:51+02:00");
    expect(relistedSince({ firstListedAt: t, bumpedAt: t + 6 * 3_600_000 })).toBeNull();
    expect(relistedSince({ firstListedAt: t, bumpedAt: t + 21 * 24 * 3_600_000 })).toBe(t);
  });
});
