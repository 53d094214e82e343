import { describe, it } from "vitest";
import { parseOlxApiJson } from "../../src/sources/olx/search-response.ts";
import { parseOtodomNextData } from "../../src/sources/otodom/next-data.ts";
import { parseIsoInstant } from "../../src/sources/published-at.ts";
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
