import { describe, it } from "vitest";
import { adapters, UnsupportedFeedError } from "../../src/sources/index.ts";
import { krakow } from "./cities.ts";

describe("searchRequest", () => {
  it("asks OLX's API for the newest flats of a city, 40 a page", ({ expect }) => {
    const request = adapters.olx.searchRequest({ source: "olx", deal: "rent", property: "flat", city: krakow }, "https://www.olx.pl", 2);
    expect(request.url).toBe(
      "https://www.olx.pl/api/v1/offers/?offset=40&limit=40&category_id=15&region_id=4&city_id=8959&sort_by=created_at%3Adesc&filter_refiners=spell_checker",
    );
    expect(request.headers.get("accept")).toBe("application/json");
    const sale = adapters.olx.searchRequest({ source: "olx", deal: "sale", property: "flat", city: krakow }, "http://127.0.0.1:8787", 1);
    expect(new URL(sale.url).searchParams.get("category_id")).toBe("14");
    expect(sale.url.startsWith("http://127.0.0.1:8787/api/v1/offers/?offset=0&")).toBe(true);
  });

  it("asks Otodom for the newest listings of a location path, 72 a page", ({ expect }) => {
    const request = adapters.otodom.searchRequest({ source: "otodom", deal: "sale", property: "flat", city: krakow }, "https://www.otodom.pl", 1);
    expect(request.url).toBe(
      "https://www.otodom.pl/pl/wyniki/sprzedaz/mieszkanie/malopolskie/krakow/krakow/krakow?by=LATEST&direction=DESC&limit=72&page=1",
    );
    const houses = adapters.otodom.searchRequest({ source: "otodom", deal: "rent", property: "house", city: krakow }, "https://www.otodom.pl", 3);
    expect(new URL(houses.url).pathname).toBe("/pl/wyniki/wynajem/dom/malopolskie/krakow/krakow/krakow");
  });

  it("throws for feeds a site cannot express", ({ expect }) => {
    const noIds = { ...krakow, olxCityId: null, otodomPath: null };
    expect(() => adapters.olx.searchRequest({ source: "olx", deal: "sale", property: "flat", city: noIds }, "https://www.olx.pl", 1)).toThrow(
      UnsupportedFeedError,
    );
    expect(() => adapters.olx.searchRequest({ source: "olx", deal: "sale", property: "house", city: krakow }, "https://www.olx.pl", 1)).toThrow(
      UnsupportedFeedError,
    );
    expect(() =>
      adapters.otodom.searchRequest({ source: "otodom", deal: "sale", property: "flat", city: noIds }, "https://www.otodom.pl", 1),
    ).toThrow(UnsupportedFeedError);
    expect(() =>
      adapters.otodom.searchRequest({ source: "otodom", deal: "sale", property: "garage", city: krakow }, "https://www.otodom.pl", 1),
    ).toThrow(UnsupportedFeedError);
    expect(() => adapters.olx.searchRequest({ source: "olx", deal: "sale", property: "flat", city: krakow }, "https://www.olx.pl", 0)).toThrow(
      RangeError,
    );
  });
});
