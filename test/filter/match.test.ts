import { describe, it } from "vitest";
import { type Centroids, type CityListing, type SearchCriteria, matchBatch, matches } from "../../src/filter/match.ts";

const WROCLAW = 3;

/** The 2023 olx.pl API offer in test/fixtures (Wrocław, Plac Grunwaldzki), as the parser normalises it. */
const grunwaldzki: CityListing = {
  cityId: WROCLAW,
  source: "olx",
  externalId: "654667240",
  url: "https://www.olx.pl/d/oferta/2-pokoje-plac-grunwaldzki-od-zaraz-promocja-v-ix-2023-CID3-IDIiUR2.html",
  title: "2 pokoje - Plac Grunwaldzki - od zaraz - promocja V-IX 2023!",
  price: 2900,
  currency: "PLN",
  rent: 800,
  areaM2: 48,
  rooms: 2,
  pricePerM2: null,
  city: "Wrocław",
  district: "Śródmieście",
  lat: 51.11464,
  lon: 17.06436,
  isPrivate: true,
  photoUrl: null,
  deal: "rent",
  property: "flat",
  publishedAt: "2023-05-20T09:32:37.000Z",
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
  districts: null,
  lat: null,
  lon: null,
  radiusKm: null,
  includeKeywords: null,
  excludeKeywords: null,
  privateOnly: false,
  ...fields,
});

const centroids: Centroids = {
  city: (id) => (id === WROCLAW ? { lat: 51.1079, lon: 17.0385 } : null),
  district: (id, name) => (id === WROCLAW && name === "Krzyki" ? { lat: 51.08, lon: 17.02 } : null),
};

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

describe("matchBatch", () => {
  it("agrees with matching each pair on its own (200 listings x 500 searches)", ({ expect }) => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const maybe = <T>(v: T): T | null => (rand() < 0.5 ? v : null);
    const titles = ["Mieszkanie z balkonem", "Kawalerka, Łódź-centrum", "2 pokoje przy parku", "Apartament z garażem"];
    const listings: CityListing[] = Array.from({ length: 200 }, (_, i) => ({
      ...grunwaldzki,
      externalId: String(i),
      cityId: pick([WROCLAW, 1]),
      source: pick(["olx", "otodom"] as const),
      deal: pick(["rent", "sale"] as const),
      title: pick(titles),
      price: maybe(1000 + Math.floor(rand() * 5000)),
      areaM2: maybe(20 + Math.floor(rand() * 80)),
      rooms: maybe(1 + Math.floor(rand() * 4)),
      district: maybe(pick(["Śródmieście", "Krzyki"])),
      isPrivate: pick([true, false, null]),
    }));
    const searches: SearchCriteria[] = Array.from({ length: 500 }, (_, i) =>
      search({
        id: i,
        userId: i,
        cityId: pick([WROCLAW, 1]),
        source: pick(["olx", "otodom", null] as const),
        deal: pick(["rent", "sale"] as const),
        priceMax: maybe(2000 + Math.floor(rand() * 4000)),
        areaMin: maybe(30),
        roomsMin: maybe(2),
        districts: rand() < 0.2 ? ["srodmiescie"] : null,
        includeKeywords: rand() < 0.2 ? ["balkon"] : null,
        excludeKeywords: rand() < 0.2 ? ["garaz"] : null,
        privateOnly: rand() < 0.2,
      }),
    );
    const batch = matchBatch(listings, searches, centroids);
    let pairs = 0;
    for (const l of listings) {
      const naive = searches.filter((s) => matches(l, s, centroids)).map((s) => s.id);
      expect((batch.get(l) ?? []).map((s) => s.id)).toEqual(naive);
      pairs += naive.length;
    }
    expect(pairs).toBeGreaterThan(100);
  });
});
