import { describe, it } from "vitest";
import { adapters, UnsupportedFeedError } from "../../src/sources/index.ts";
import { malopolskie } from "./cities.ts";

describe("searchRequest", () => {
  it("asks OLX's API for the newest flats of all Poland, 40 a page, stepping as its own links.next does", ({ expect }) => {
    const request = adapters.olx.searchRequest({ source: "olx", deal: "rent", property: "flat", region: null }, "https://www.olx.pl", 2);
    expect(request.url).toBe("https://www.olx.pl/api/v1/offers?offset=39&limit=40&category_id=15&sort_by=created_at%3Adesc");
    expect(request.headers.get("accept")).toBe("application/json");
    const sale = adapters.olx.searchRequest({ source: "olx", deal: "sale", property: "flat", region: malopolskie }, "http://127.0.0.1:8787", 1);
    expect(sale.url).toBe("http://127.0.0.1:8787/api/v1/offers?offset=0&limit=40&category_id=14&region_id=4&sort_by=created_at%3Adesc");
  });

  it("asks Otodom for the newest listings of all Poland or of a voivodeship, 72 a page", ({ expect }) => {
    const request = adapters.otodom.searchRequest({ source: "otodom", deal: "sale", property: "flat", region: null }, "https://www.otodom.pl", 1);
    expect(request.url).toBe("https://www.otodom.pl/pl/wyniki/sprzedaz/mieszkanie/cala-polska?by=LATEST&direction=DESC&limit=72&page=1");
    const houses = adapters.otodom.searchRequest({ source: "otodom", deal: "rent", property: "house", region: malopolskie }, "https://www.otodom.pl", 3);
    expect(new URL(houses.url).pathname).toBe("/pl/wyniki/wynajem/dom/malopolskie");
  });

  it("says which feeds a site serves, and throws for the ones it cannot express", ({ expect }) => {
    expect(adapters.olx.supports({ deal: "rent", property: "flat" })).toBe(true);
    expect(adapters.olx.supports({ deal: "sale", property: "house" })).toBe(false);
    expect(adapters.otodom.supports({ deal: "sale", property: "plot" })).toBe(true);
    expect(adapters.otodom.supports({ deal: "sale", property: "garage" })).toBe(false);
    const noId = { slug: "lubuskie", olxRegionId: null };
    expect(() => adapters.olx.searchRequest({ source: "olx", deal: "sale", property: "flat", region: noId }, "https://www.olx.pl", 1)).toThrow(UnsupportedFeedError);
    expect(() => adapters.olx.searchRequest({ source: "olx", deal: "sale", property: "house", region: null }, "https://www.olx.pl", 1)).toThrow(UnsupportedFeedError);
    expect(() => adapters.otodom.searchRequest({ source: "otodom", deal: "sale", property: "garage", region: null }, "https://www.otodom.pl", 1)).toThrow(
      UnsupportedFeedError,
    );
    expect(() => adapters.olx.searchRequest({ source: "olx", deal: "sale", property: "flat", region: null }, "https://www.olx.pl", 0)).toThrow(RangeError);
  });
});
