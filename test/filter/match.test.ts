import { describe, it } from "vitest";
import { type CityListing, matchBatch, matches } from "../../src/filter/match.ts";
import type { Centroids } from "../../src/model/location.ts";
import type { SearchCriteria } from "../../src/model/search.ts";
import { fold } from "../../src/lib/fold.ts";
import type { Point } from "../../src/lib/geo.ts";
import { grunwaldzkiOffer, podgorzeBalkonItem } from "../helpers/listings.ts";

const WROCLAW = 3;

/** The OLX API capture's offer in Wrocław, with neither the price per m² (the matcher computes 2900 / 48) nor the photo. */
const grunwaldzki: CityListing = { ...grunwaldzkiOffer, cityId: WROCLAW, pricePerM2: null, photoUrl: null };

const KRAKOW = 2;
const WARSZAWA = 1;

/** Items of the 2026 Otodom Kraków search capture, as the parser normalises them: no coordinates. */
const podgorzeBalkon: CityListing = { ...podgorzeBalkonItem, cityId: KRAKOW };
/** "Zapytaj o cenę": the capture gives no price. */
const prokocimNoPrice: CityListing = {
  ...podgorzeBalkon,
  externalId: "66344021",
  url: "https://www.otodom.pl/pl/oferta/2-pokojowe-mieszkanie-42m2-balkon-ID4un6R",
  title: "2-pokojowe mieszkanie 42m2 + balkon",
  price: null,
  currency: null,
  areaM2: 42.57,
  pricePerM2: null,
  district: "Bieżanów-Prokocim",
  publishedAt: Date.parse("2026-04-09T16:53:09Z"),
};
const wlascicielStareMiasto: CityListing = {
  ...podgorzeBalkon,
  externalId: "67860397",
  url: "https://www.otodom.pl/pl/oferta/wlasciciel-sprzeda-mieszkanie-pum-30-38m2-1-pietro-winda-mpec-ID4AJAx",
  title: "Właściciel sprzeda mieszkanie PUM 30,38m2, 1 piętro, winda, MPEC",
  price: 499000,
  areaM2: 34.36,
  rooms: 1,
  pricePerM2: 14523,
  district: "Stare Miasto",
  isPrivate: true,
  publishedAt: Date.parse("2026-04-09T16:28:00Z"),
};
/** A 2023 OLX list-page ad (Warszawa, Wola): OLX gives its own price per m² for rentals. */
const wolaOlx: CityListing = {
  cityId: WARSZAWA,
  source: "olx",
  externalId: "805850451",
  url: "https://www.olx.pl/d/oferta/mieszkanie-na-wynajem-2-pok-jana-kazimierza-CID3-IDSxgwW.html",
  title: "Mieszkanie na wynajem 2 pok. Jana Kazimierza",
  price: 3300,
  currency: "PLN",
  rent: 700,
  areaM2: 50.5,
  rooms: 2,
  pricePerM2: 65.35,
  city: "Warszawa",
  district: "Wola",
  lat: 52.23725,
  lon: 20.96608,
  isPrivate: true,
  photoUrl: null,
  deal: "rent",
  property: "flat",
  publishedAt: Date.parse("2023-01-04T14:03:15Z"),
  floor: null,
  firstListedAt: null,
  bumpedAt: null,
};

const search = (fields: Partial<SearchCriteria> = {}): SearchCriteria => ({
  id: 1,
  userId: 1,
  name: "s",
  source: null,
  deal: "rent",
  property: "flat",
  cityId: WROCLAW,
  priceMin: null,
  priceMax: null,
  areaMin: null,
  areaMax: null,
  roomsMin: null,
  roomsMax: null,
  pricePerM2Min: null,
  pricePerM2Max: null,
  districts: [],
  lat: null,
  lon: null,
  radiusKm: null,
  includeKeywords: [],
  excludeKeywords: [],
  privateOnly: false,
  ...fields,
});

/** The seed migration's centroids for these cities (a few of them), looked up folded like loadCentroids does. */
const seeded: Record<number, { city: Point; districts: Record<string, Point> }> = {
  [WROCLAW]: { city: { lat: 51.1079, lon: 17.0385 }, districts: { krzyki: { lat: 51.08, lon: 17.02 } } },
  [KRAKOW]: {
    city: { lat: 50.0647, lon: 19.945 },
    districts: { podgorze: { lat: 50.043, lon: 19.96 }, "stare miasto": { lat: 50.0614, lon: 19.9372 } },
  },
};
const centroids: Centroids = {
  city: (id) => seeded[id]?.city ?? null,
  district: (id, name) => seeded[id]?.districts[fold(name)] ?? null,
};
const noCentroids: Centroids = { city: () => null, district: () => null };

describe("matches", () => {
  const cases: [string, Partial<SearchCriteria>, Partial<CityListing>, boolean][] = [
    ["no criteria", {}, {}, true],
    ["other city", { cityId: 1 }, {}, false],
    ["other source", { source: "otodom" }, {}, false],
    ["same source", { source: "olx" }, {}, true],
    ["sale search, rental listing", { deal: "sale" }, {}, false],
    ["house search", { property: "house" }, {}, false],
    ["price bounds inclusive", { priceMin: 2900, priceMax: 2900 }, {}, true],
    ["price over max", { priceMax: 2899 }, {}, false],
    ["price unknown fails a set bound", { priceMax: 5000 }, { price: null }, false],
    ["area", { areaMin: 40, areaMax: 50 }, {}, true],
    ["area too small", { areaMin: 50 }, {}, false],
    ["rooms", { roomsMin: 2, roomsMax: 3 }, {}, true],
    ["rooms too few", { roomsMin: 3 }, {}, false],
    ["price per m2 computed from price and area", { pricePerM2Max: 61 }, {}, true],
    ["price per m2 over", { pricePerM2Max: 60 }, {}, false],
    ["district folded", { districts: ["srodmiescie"] }, {}, true],
    ["district of several", { districts: ["Krzyki", "ŚRÓDMIEŚCIE"] }, {}, true],
    ["other district", { districts: ["Krzyki"] }, {}, false],
    ["no district on listing", { districts: ["Krzyki"] }, { district: null }, false],
    ["keyword folded, any of them", { includeKeywords: ["balkon", "plac grunwaldzki"] }, {}, true],
    ["keyword prefix of a word", { includeKeywords: ["grunwald"] }, {}, true],
    ["keyword inside a word does not count", { includeKeywords: ["waldz"] }, {}, false],
    ["keyword missing", { includeKeywords: ["balkon"] }, {}, false],
    ["exclude keyword", { excludeKeywords: ["PROMOCJA"] }, {}, false],
    ["exclude absent", { excludeKeywords: ["piwnica"] }, {}, true],
    ["private only, private", { privateOnly: true }, {}, true],
    ["private only, agency", { privateOnly: true }, { isPrivate: false }, false],
    ["private only, unknown", { privateOnly: true }, { isPrivate: null }, false],
    ["radius around listing coordinates", { lat: 51.1079, lon: 17.0385, radiusKm: 2.5 }, {}, true],
    ["radius too small", { lat: 51.1079, lon: 17.0385, radiusKm: 1 }, {}, false],
    ["radius via district centroid", { lat: 51.08, lon: 17.02, radiusKm: 0.5 }, { lat: null, lon: null, district: "Krzyki" }, true],
    ["radius via city centroid", { lat: 51.1079, lon: 17.0385, radiusKm: 0.5 }, { lat: null, lon: null, district: "Nowy Dwór" }, true],
  ];
  for (const [name, criteria, listing, expected] of cases) {
    it(name, ({ expect }) => {
      expect(matches({ ...grunwaldzki, ...listing }, search(criteria), centroids)).toBe(expected);
    });
  }
});

describe("matches, on other captured listings", () => {
  const krakowSale = (fields: Partial<SearchCriteria> = {}) => search({ cityId: KRAKOW, deal: "sale", ...fields });
  const cases: [string, CityListing, SearchCriteria, Centroids, boolean][] = [
    ["Otodom listing, OLX-only search", podgorzeBalkon, krakowSale({ source: "olx" }), centroids, false],
    ["Otodom listing, search of both sites", podgorzeBalkon, krakowSale(), centroids, true],
    ["Otodom listing, Otodom search", podgorzeBalkon, krakowSale({ source: "otodom" }), centroids, true],
    ["rental search, sale listing", podgorzeBalkon, krakowSale({ deal: "rent" }), centroids, false],
    ["room search, flat listing", podgorzeBalkon, krakowSale({ property: "room" }), centroids, false],
    ["listing of unknown deal", { ...podgorzeBalkon, deal: null }, krakowSale(), centroids, false],
    ["listing of unknown property", { ...podgorzeBalkon, property: null }, krakowSale(), centroids, false],
    ["include Balkon, capitalised", podgorzeBalkon, krakowSale({ includeKeywords: ["Balkon"] }), centroids, true],
    ["include: any of several", podgorzeBalkon, krakowSale({ includeKeywords: ["taras", "loggia", "balkon"] }), centroids, true],
    ["include: none of several", podgorzeBalkon, krakowSale({ includeKeywords: ["taras", "loggia"] }), centroids, false],
    ["exclude a phrase", podgorzeBalkon, krakowSale({ excludeKeywords: ["bez prowizji"] }), centroids, false],
    ["include with ł typed as l", wlascicielStareMiasto, krakowSale({ includeKeywords: ["wlasciciel"] }), centroids, true],
    ["include with ł typed as ł, title word with ę", wlascicielStareMiasto, krakowSale({ includeKeywords: ["pietro"] }), centroids, true],
    ["exclude typed with diacritics", { ...wolaOlx, title: "Kawalerka, Łódź-centrum" }, search({ cityId: WARSZAWA, excludeKeywords: ["lodz"] }), centroids, false],
    ["keyword of only punctuation is no keyword", podgorzeBalkon, krakowSale({ includeKeywords: [" - "] }), centroids, true],
    ["district with a hyphen typed as a space", prokocimNoPrice, krakowSale({ districts: ["Bieżanów Prokocim"] }), centroids, true],
    ["empty district list is the whole city", prokocimNoPrice, krakowSale({ districts: [] }), centroids, true],
    ["no price, no price bound", prokocimNoPrice, krakowSale({ areaMin: 40 }), centroids, true],
    ["no price fails a price bound", prokocimNoPrice, krakowSale({ priceMax: 800000 }), centroids, false],
    ["no price fails a price-per-m2 bound", prokocimNoPrice, krakowSale({ pricePerM2Max: 20000 }), centroids, false],
    ["price per m2 as the site gives it", podgorzeBalkon, krakowSale({ pricePerM2Min: 19200, pricePerM2Max: 19200 }), centroids, true],
    ["OLX price per m2 wins over price / area", wolaOlx, search({ cityId: WARSZAWA, pricePerM2Max: 65.35 }), centroids, true],
    ["no area fails an area bound", { ...podgorzeBalkon, areaM2: null }, krakowSale({ areaMax: 100 }), centroids, false],
    ["no rooms fails a rooms bound", { ...podgorzeBalkon, rooms: null }, krakowSale({ roomsMin: 1 }), centroids, false],
    ["private only: private owner on Otodom", wlascicielStareMiasto, krakowSale({ privateOnly: true }), centroids, true],
    ["private only: agency on Otodom", podgorzeBalkon, krakowSale({ privateOnly: true }), centroids, false],
    // Podgórze's centroid (50.043, 19.96) is 2.6 km from Kraków's Rynek (50.0617, 19.9373)
    // and from Kraków's centroid (50.0647, 19.945).
    ["radius from the district centroid", podgorzeBalkon, krakowSale({ lat: 50.0617, lon: 19.9373, radiusKm: 2.7 }), centroids, true],
    ["radius from the district centroid, too small", podgorzeBalkon, krakowSale({ lat: 50.0617, lon: 19.9373, radiusKm: 2.6 }), centroids, false],
    ["district without a centroid: the city's", prokocimNoPrice, krakowSale({ lat: 50.0647, lon: 19.945, radiusKm: 0.1 }), centroids, true],
    ["no coordinates, no centroids: unknown", podgorzeBalkon, krakowSale({ lat: 50.0617, lon: 19.9373, radiusKm: 50 }), noCentroids, false],
    ["radius without a centre: from the city centroid", podgorzeBalkon, krakowSale({ radiusKm: 2.7 }), centroids, true],
    ["radius without a centre, too small", podgorzeBalkon, krakowSale({ radiusKm: 2.6 }), centroids, false],
    ["radius without a centre nor a city centroid", wolaOlx, search({ cityId: WARSZAWA, radiusKm: 100 }), centroids, false],
    ["listing coordinates win over the district", wolaOlx, search({ cityId: WARSZAWA, lat: 52.23725, lon: 20.96608, radiusKm: 0.01 }), noCentroids, true],
    ["a centre without a radius is no constraint", wolaOlx, search({ cityId: WARSZAWA, lat: 50, lon: 19 }), noCentroids, true],
  ];
  for (const [name, listing, criteria, where, expected] of cases) {
    it(name, ({ expect }) => {
      expect(matches(listing, criteria, where)).toBe(expected);
      expect(matchBatch([listing], [criteria], where).has(listing)).toBe(expected);
    });
  }
});

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed: number) {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => {
    const x = xs[Math.floor(rand() * xs.length)];
    if (x === undefined) throw new Error("pick from an empty list");
    return x;
  };
  const maybe = <T>(v: T, p = 0.5): T | null => (rand() < p ? v : null);
  const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
  return { rand, pick, maybe, int };
}

const TITLES = [
  "Mieszkanie z balkonem",
  "Kawalerka, Łódź-centrum",
  "2-pokojowe mieszkanie 40m2 + balkon Bez Prowizji",
  "Właściciel sprzeda mieszkanie PUM 30,38m2, 1 piętro, winda",
  "Apartament z garażem",
  "Plac Grunwaldzki, 2 pokoje",
];
const BASES = [grunwaldzki, podgorzeBalkon, prokocimNoPrice, wlascicielStareMiasto, wolaOlx];

function randomListings(r: ReturnType<typeof prng>, n: number): CityListing[] {
  return Array.from({ length: n }, (_, i) => {
    const base = r.pick(BASES);
    const hasPoint = r.rand() < 0.4;
    return {
      ...base,
      externalId: `gen-${i}`,
      cityId: r.pick([WROCLAW, KRAKOW, WARSZAWA]),
      source: r.pick(["olx", "otodom"] as const),
      deal: r.rand() < 0.05 ? null : r.pick(["rent", "sale"] as const),
      property: r.pick(["flat", "flat", "house"] as const),
      title: r.pick(TITLES),
      price: r.maybe(r.int(1000, 6000), 0.85),
      areaM2: r.maybe(r.int(20, 100), 0.9),
      rooms: r.maybe(r.int(1, 5), 0.9),
      pricePerM2: r.maybe(r.int(30, 120), 0.3),
      district: r.maybe(r.pick(["Śródmieście", "Krzyki", "Podgórze", "Stare Miasto", "Wola"]), 0.8),
      lat: hasPoint ? 50 + r.rand() * 2.5 : null,
      lon: hasPoint ? 17 + r.rand() * 4 : null,
      isPrivate: r.pick([true, false, null]),
    };
  });
}

function randomSearches(r: ReturnType<typeof prng>, n: number): SearchCriteria[] {
  return Array.from({ length: n }, (_, i) => {
    const priceMin = r.maybe(r.int(500, 3000), 0.3);
    return search({
      id: i,
      userId: i % 97,
      cityId: r.pick([WROCLAW, KRAKOW, WARSZAWA]),
      source: r.pick(["olx", "otodom", null] as const),
      deal: r.pick(["rent", "sale"] as const),
      property: r.pick(["flat", "flat", "house"] as const),
      priceMin,
      priceMax: r.maybe((priceMin ?? 0) + r.int(500, 4000)),
      areaMin: r.maybe(r.int(25, 60), 0.3),
      areaMax: r.maybe(r.int(50, 120), 0.2),
      roomsMin: r.maybe(r.int(1, 3), 0.3),
      roomsMax: r.maybe(r.int(2, 5), 0.2),
      pricePerM2Max: r.maybe(r.int(40, 120), 0.15),
      districts: r.rand() < 0.2 ? [r.pick(["srodmiescie", "KRZYKI", "Podgorze", "stare miasto"])] : [],
      includeKeywords: r.rand() < 0.2 ? [r.pick(["balkon", "wlasciciel", "Łódź", "plac grunwaldzki"])] : [],
      excludeKeywords: r.rand() < 0.2 ? [r.pick(["garaz", "prowizji", "PIĘTRO"])] : [],
      privateOnly: r.rand() < 0.2,
      ...(r.rand() < 0.15 ? { lat: r.maybe(50 + r.rand() * 2.5, 0.8), lon: 17 + r.rand() * 4, radiusKm: r.int(1, 200) } : {}),
    });
  });
}

describe("matchBatch", () => {
  it("agrees with matching each pair on its own (200 listings x 500 searches, seeded)", ({ expect }) => {
    const r = prng(42);
    const listings = randomListings(r, 200);
    const searches = randomSearches(r, 500);
    const batch = matchBatch(listings, searches, centroids);
    let pairs = 0;
    for (const l of listings) {
      const naive = searches.filter((s) => matches(l, s, centroids)).map((s) => s.id);
      expect((batch.get(l) ?? []).map((s) => s.id)).toEqual(naive);
      pairs += naive.length;
    }
    // Not vacuous: many pairs match, and many candidates fail on a single criterion.
    expect(pairs).toBeGreaterThan(300);
    expect(batch.size).toBeGreaterThan(100);
    expect(batch.size).toBeLessThan(200);
  });

  it("returns nothing for no listings or no searches", ({ expect }) => {
    expect(matchBatch([], [search()], centroids).size).toBe(0);
    expect(matchBatch([grunwaldzki], [], centroids).size).toBe(0);
  });

  it("lists a listing once with every search it matched, in the given order", ({ expect }) => {
    const searches = [search({ id: 7 }), search({ id: 3, source: "olx" }), search({ id: 5, source: "otodom" }), search({ id: 1 })];
    expect(matchBatch([grunwaldzki], searches, centroids).get(grunwaldzki)?.map((s) => s.id)).toEqual([7, 3, 1]);
  });
});
