import { describe, it } from "vitest";
import { olxAdapter } from "../../src/sources/olx/adapter.ts";
import { parseOlxApiJson } from "../../src/sources/olx/search-response.ts";
import { PageError } from "../../src/sources/parse-result.ts";
import { grunwaldzkiOffer } from "../helpers/listings.ts";
import { json, jsonResponse, raw, record } from "./fixtures.ts";

describe("OLX API v1 offer (olx.pl 2023, Wrocław rent)", () => {
  it("reads every field from its documented place", ({ expect }) => {
    const page = parseOlxApiJson(json(raw.olxApiOffer));
    expect(page).toMatchObject({ errors: [], warnings: [], hasNextPage: false });
    expect(page.listings).toEqual([grunwaldzkiOffer]);
  });

  it("reads the single-offer response {data: {...}} the same way", ({ expect }) => {
    const page = parseOlxApiJson({ data: json(raw.olxApiOffer) });
    expect(page.listings.map((l) => l.externalId)).toEqual(["654667240"]);
  });

  it("treats 'four' as 4 rooms (4 i więcej) and keeps a sale's price_per_m param", ({ expect }) => {
    const offer = record(raw.olxApiOffer);
    offer.category = { id: 14, type: "real_estate" };
    offer.params = [
      { key: "price", name: "Cena", type: "price", value: { value: 305000, currency: "PLN", label: "305 000 zł" } },
      { key: "price_per_m", name: "Cena za m²", type: "input", value: { key: "4919.35", label: "4919.35 zł/m²" } },
      { key: "m", name: "Powierzchnia", type: "input", value: { key: "62", label: "62 m²" } },
      { key: "rooms", name: "Liczba pokoi", type: "select", value: { key: "four", label: "4 i więcej" } },
    ];
    const [l] = parseOlxApiJson(offer).listings;
    expect(l).toMatchObject({ deal: "sale", property: "flat", price: 305000, pricePerM2: 4919.35, areaM2: 62, rooms: 4, rent: null });
  });

  it("knows only the rooms table's own keys: an inherited name is an unknown value", ({ expect }) => {
    const offer = record(raw.olxApiOffer);
    offer.params = [{ key: "rooms", value: { key: "constructor", label: "?" } }];
    const page = parseOlxApiJson(offer);
    expect(page.listings[0]?.rooms).toBeNull();
    expect(page.warnings.map((w) => w.message)).toEqual(['unknown rooms value "constructor"']);
  });

  it("keeps an offer without a price param, with price and currency null and no warning", ({ expect }) => {
    const offer = record(raw.olxApiOffer);
    offer.params = (offer.params as { key: string }[]).filter((p) => p.key !== "price");
    const page = parseOlxApiJson(offer);
    expect(page.listings[0]).toMatchObject({ price: null, currency: null, pricePerM2: null, areaM2: 48 });
    expect(page.warnings).toEqual([]);
  });

  it("nulls impossible values with a warning each and keeps the listing", ({ expect }) => {
    const offer = record(raw.olxApiOffer);
    offer.params = [
      { key: "price", value: { value: 0, currency: "PLN" } },
      { key: "m", value: { key: "0", label: "0 m²" } },
      { key: "rooms", value: { key: "seven", label: "7" } },
    ];
    offer.map = { lat: 0, lon: 0 };
    const page = parseOlxApiJson(offer);
    expect(page.listings[0]).toMatchObject({ price: null, areaM2: null, rooms: null, lat: null, lon: null });
    expect(page.warnings.map((w) => w.message)).toEqual([
      'unknown rooms value "seven"',
      "price 0 is not plausible",
      "area 0 m² is not plausible",
      "coordinates 0,0 are not plausible",
    ]);
    expect(page.warnings.every((w) => w.item === "654667240")).toBe(true);
  });
});

describe("OLX API v1 search response (olx.uz 2026 envelope)", () => {
  it("reads all 13 offers, keeps their own currency and follows links.next", ({ expect }) => {
    const page = parseOlxApiJson(json(raw.olxUzSearch));
    expect(page.listings).toHaveLength(13);
    expect(page.errors).toEqual([]);
    expect(page.hasNextPage).toBe(true);
    expect(page.listings[0]).toMatchObject({
      externalId: "63741083",
      price: 11300,
      currency: "UYE",
      city: "Ташкент",
      district: "Алмазарский район",
      deal: null, // category 983 (cars) is not real estate
      property: "other",
      publishedAt: Date.parse("2026-03-21T23:13:40+05:00"), // last_refresh_time, Tashkent time
      photoUrl: "https://frankfurt.apollo.olxcdn.com:443/v1/files/f3ea5q019njy-UZ/image;s=720x1560",
    });
    // A town without districts: the API omits location.district.
    expect(page.listings.find((l) => l.externalId === "52009257")).toMatchObject({ city: "Карши", district: null, currency: "UZS" });
    expect(page.listings.filter((l) => l.district === null)).toHaveLength(4);
  });

  it("has no next page when links.next is absent", ({ expect }) => {
    const body = record(raw.olxUzSearch);
    body.links = { self: { href: "https://www.olx.uz/api/v1/offers?offset=0" } };
    expect(parseOlxApiJson(body).hasNextPage).toBe(false);
  });

  it("drops an item without id or title as an item error and reads the rest", ({ expect }) => {
    const body = record(raw.olxUzSearch);
    const data = body.data as Record<string, unknown>[];
    delete data[1]?.id;
    if (data[2]) data[2].title = "";
    const page = parseOlxApiJson(body);
    expect(page.listings).toHaveLength(11);
    expect(page.errors).toEqual([
      { item: "#1", message: "id: Invalid input" },
      { item: "63585946", message: "no title" },
    ]);
  });

  it("calls a page where no item can be read a format change, not an empty page", ({ expect }) => {
    expect(() => parseOlxApiJson({ data: [{ foo: 1 }, { bar: 2 }], links: {} })).toThrow(PageError);
    expect(parseOlxApiJson({ data: [], links: {} }).listings).toEqual([]);
  });

  it("rejects a body that is not the API's shape as PageError format", async ({ expect }) => {
    const error = await olxAdapter.parseSearch(jsonResponse({ offers: [], total: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PageError);
    expect(error).toMatchObject({ kind: "format" });
    const html = await olxAdapter
      .parseSearch(new Response("<html>maintenance</html>", { headers: { "content-type": "text/html" } }))
      .catch((e: unknown) => e);
    expect(html).toMatchObject({ name: "PageError", kind: "format" });
  });
});
