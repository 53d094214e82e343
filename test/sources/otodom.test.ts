import { describe, it } from "vitest";
import { dedupKey } from "../../src/sources/dedup-key.ts";
import { otodomAdapter } from "../../src/sources/otodom/adapter.ts";
import { parseOtodomNextData } from "../../src/sources/otodom/next-data.ts";
import { PageError } from "../../src/sources/parse-result.ts";
import { parseSavedPage } from "../../src/sources/saved-page.ts";
import { htmlResponse, json, raw, record } from "./fixtures.ts";

/** A real search item inside the search-page path it came from (the wrapper is ours, the item is real). */
function searchPageOf(...items: unknown[]) {
  return { props: { pageProps: { data: { searchAds: { items, pagination: { currentPage: 1, totalPages: 1 } } } } } };
}

describe("Otodom search __NEXT_DATA__ (2026, Kraków sale)", () => {
  it("reads 23 listings and skips 4 INVESTMENT tiles and the hpr/ promoted duplicate", ({ expect }) => {
    const page = parseOtodomNextData(json(raw.otodomKrakow2026));
    expect(page).toMatchObject({ errors: [], warnings: [], hasNextPage: true });
    expect(page.listings).toHaveLength(23);
    expect(page.skipped).toEqual([
      { item: "66295358", message: "developer project tile (INVESTMENT)" },
      { item: "67421955", message: "developer project tile (INVESTMENT)" },
      { item: "67659493", message: "developer project tile (INVESTMENT)" },
      { item: "67569824", message: "developer project tile (INVESTMENT)" },
      { item: "96788972300067", message: "promoted duplicate (hpr/)" },
    ]);
    expect(page.listings[0]).toEqual({
      source: "otodom",
      externalId: "67889723",
      url: "https://www.otodom.pl/pl/oferta/apartament-3-pokoje-krowodrza-83m2-ul-poznanska-ID4ARdx",
      title: "Apartament 3 Pokoje Krowodrza 83m2 Ul.Poznanska",
      price: 1578000,
      currency: "PLN",
      rent: null,
      areaM2: 82.79,
      rooms: 3,
      pricePerM2: 19060,
      floor: 3, // floorNumber "THIRD"
      city: "Kraków",
      district: "Krowodrza",
      olxCityId: null,
      region: "malopolskie",
      lat: null, // search items carry no coordinates
      lon: null,
      isPrivate: false,
      photoUrl:
        "https://ireland.apollo.olxcdn.com/v1/files/eyJmbiI6InBsOGV4ZWkwYWRvMTEtQVBMIiwidyI6W3siZm4iOiJlbnZmcXFlMWF5NGsxLUFQTCIsInMiOiIxNCIsInAiOiIxMCwtMTAiLCJhIjoiMCJ9XX0.Tuc0cGjlisHeTgTgBJsO1HRDkGGK0VnBQ1_pjyYcDkI/image;s=655x491;q=80",
      deal: "sale",
      property: "flat",
      publishedAt: Date.parse("2026-04-09T19:25:11+02:00"), // pushedUpAt
      firstListedAt: Date.parse("2026-04-09T13:23:51+02:00"), // createdAtFirst "13:23:51Z", Warsaw wall clock
      bumpedAt: Date.parse("2026-04-09T19:25:11+02:00"), // pushed up six hours after it was listed
    });
  });

  it("reads dateCreated as Warsaw wall-clock time when there is no pushedUpAt", ({ expect }) => {
    const page = parseOtodomNextData(json(raw.otodomKrakow2026));
    // 67891414: dateCreated "2026-04-09 19:21:00", pushedUpAt null, rentPrice 344.
    expect(page.listings[1]).toMatchObject({ externalId: "67891414", publishedAt: Date.parse("2026-04-09T19:21:00+02:00"), rent: 344 });
    // Newest first: every time is at or before the first one's.
    const times = page.listings.map((l) => l.publishedAt ?? Number.NaN);
    expect(times.every((t) => t <= (times[0] ?? 0))).toBe(true);
  });

  it("shares its dedup key with the hpr/ duplicate's slug and with OLX cross-posts", ({ expect }) => {
    const [first] = parseOtodomNextData(json(raw.otodomKrakow2026)).listings;
    expect(first && dedupKey(first)).toBe("otodom:4ARdx");
  });

  it("reads rooms MORE as 10 and unknown enums with a warning", ({ expect }) => {
    const data = record(raw.otodomKrakow2026);
    const items = (((data.props as Record<string, unknown>).pageProps as Record<string, unknown>).data as {
      searchAds: { items: Record<string, unknown>[] };
    }).searchAds.items;
    if (items[0]) items[0].roomsNumber = "MORE";
    if (items[1]) items[1].roomsNumber = "ELEVEN";
    const page = parseOtodomNextData(data);
    expect(page.listings[0]?.rooms).toBe(10);
    expect(page.listings[1]?.rooms).toBeNull();
    expect(page.warnings).toEqual([{ item: "67891414", message: 'unknown rooms value "ELEVEN"' }]);
  });
});

describe("Otodom search page HTML (2021, Warszawa sale), streamed", () => {
  it("extracts __NEXT_DATA__ with HTMLRewriter and reads 36 listings from locationLabel", async ({ expect }) => {
    const page = await otodomAdapter.parseSearch(htmlResponse(raw.otodomWarszawa2021));
    expect(page.listings).toHaveLength(36);
    expect(page.errors).toEqual([]);
    expect(page.hasNextPage).toBe(true); // page 1 of 334
    expect(page.listings[0]).toMatchObject({
      externalId: "60817540",
      url: "https://www.otodom.pl/pl/oferta/kawalerka-warszawa-ul-fundamentowa-ID47bq4",
      price: 315000,
      areaM2: 20,
      rooms: 1,
      pricePerM2: 15750,
      city: "Warszawa",
      district: "Praga-Południe", // "Warszawa, Praga-Południe, Gocław"
      lat: null,
      lon: null,
      isPrivate: true,
      deal: "sale",
      property: "flat",
      publishedAt: null, // 2021 search items carry no date
    });
  });

  it("is a format error when the page has no __NEXT_DATA__", async ({ expect }) => {
    const withoutScript = raw.otodomWarszawa2021.replace('id="__NEXT_DATA__"', 'id="__SOMETHING_ELSE__"');
    const error = await otodomAdapter.parseSearch(htmlResponse(withoutScript)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PageError);
    expect(error).toMatchObject({ kind: "format", message: "no __NEXT_DATA__ script on the page" });
  });

  it("is blocked when a saved page is a captcha page", async ({ expect }) => {
    // Synthetic: no real DataDome page was found in public code; this only carries DataDome's documented marker.
    const captcha = new TextEncoder().encode(
      '<html><head><title>otodom.pl</title></head><body><iframe src="https://geo.captcha-delivery.com/captcha/?initialCid=x"></iframe></body></html>',
    );
    const error = await parseSavedPage("otodom", captcha).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "PageError", kind: "blocked" });
  });
});

describe("Otodom ad page __NEXT_DATA__ (2021)", () => {
  it("reads characteristics, geoLevels and coordinates", ({ expect }) => {
    const page = parseOtodomNextData(json(raw.otodomAd2021));
    expect(page.listings).toEqual([
      {
        source: "otodom",
        externalId: "62365446",
        url: "https://www.otodom.pl/pl/oferta/mieszkanie-w-kamienicy-w-srodmiesciu-ID4dG6i",
        title: "Mieszkanie w kamienicy w Śródmieściu",
        price: 1500000,
        currency: "PLN",
        rent: 800,
        areaM2: 72,
        rooms: 3,
        pricePerM2: 20833,
        floor: 1, // floor_no "floor_1"
        city: "Warszawa",
        district: "Śródmieście",
        olxCityId: null,
        region: "mazowieckie",
        lat: 52.20966,
        lon: 21.0288,
        isPrivate: false, // advertiserType "business"
        photoUrl:
          "https://ireland.apollo.olxcdn.com/v1/files/eyJmbiI6InMwaXhtNDRxdnMxeDItQVBMIiwidyI6W3siZm4iOiJlbnZmcXFlMWF5NGsxLUFQTCIsInMiOiIxNCIsInAiOiIxMCwtMTAiLCJhIjoiMCJ9XX0.JLsLKmxFKrf4M0nF8VUpDqbPSerMIJ3eHGmnrDH3UoY/image;s=655x491;q=80",
        deal: "sale",
        property: "flat",
        publishedAt: Date.parse("2021-10-08T10:20:53+02:00"), // dateCreated "2021-10-08 10:20:53", Warsaw summer time
        firstListedAt: Date.parse("2021-10-08T10:20:53+02:00"), // an ad page does not tell a bump from the creation
        bumpedAt: null,
      },
    ]);
    expect(page.hasNextPage).toBe(false);
  });
});

describe("Otodom RENT search item (2026, Poznań)", () => {
  it("reads transaction RENT, rentPrice and a winter pushedUpAt", ({ expect }) => {
    const page = parseOtodomNextData(searchPageOf(json(raw.otodomRentItem2026)));
    expect(page.listings).toEqual([
      expect.objectContaining({
        externalId: "67647605",
        url: "https://www.otodom.pl/pl/oferta/premium-48-5-m-ostatnie-pietro-widok-na-las-garaz-komorka-ID4zQep",
        price: 3990,
        rent: 550,
        areaM2: 48.5,
        rooms: 2,
        pricePerM2: 82,
        city: "Poznań",
        district: "Grunwald",
        isPrivate: false,
        deal: "rent",
        property: "flat",
        publishedAt: Date.parse("2026-02-07T11:38:12+01:00"), // pushedUpAt
      }),
    ]);
  });

  it("keeps a hidden price as null without a warning, and nulls impossible values with one", ({ expect }) => {
    const hidden = record(raw.otodomRentItem2026);
    hidden.hidePrice = true;
    const odd = record(raw.otodomRentItem2026);
    odd.id = 1;
    odd.areaInSquareMeters = 20000;
    odd.totalPrice = { value: -5, currency: "PLN" };
    const page = parseOtodomNextData(searchPageOf(hidden, odd));
    expect(page.listings[0]).toMatchObject({ price: null, currency: null });
    expect(page.listings[1]).toMatchObject({ price: null, areaM2: null });
    expect(page.warnings).toEqual([
      { item: "1", message: "price -5 is not plausible" },
      { item: "1", message: "area 20000 m² is not plausible" },
    ]);
  });

  it("drops an item without slug as an item error", ({ expect }) => {
    const noSlug = record(raw.otodomRentItem2026);
    delete noSlug.slug;
    delete noSlug.href;
    const page = parseOtodomNextData(searchPageOf(json(raw.otodomRentItem2026), noSlug));
    expect(page.listings).toHaveLength(1);
    expect(page.errors).toEqual([{ item: "67647605", message: 'no usable url ("")' }]);
  });

  it("is a format error when __NEXT_DATA__ is neither a search nor an ad page", ({ expect }) => {
    expect(() => parseOtodomNextData({ props: { pageProps: {} } })).toThrow(PageError);
  });
});
