import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { useDb } from "../../src/db/client.ts";
import { listCities, listDistricts } from "../../src/db/locations.ts";
import { type SearchDraft, validateDraft } from "../../src/model/search.ts";
import { parseSearchLink } from "../../src/searches/link/index.ts";
import { type ResolveDeps, resolveLink } from "../../src/searches/resolve.ts";
import { cityId } from "../helpers/seed.ts";

/**
 * Real search links as people and scrapers use them, copied verbatim from
 * public code. Provenance: a GitHub repository and path where the search tool
 * named one, else the id of the file in the library's code index
 * (`find_string`, 2026-11-25).
 */
const REAL_LINKS: { url: string; from: string; city: string; draft: Partial<SearchDraft>; unused?: string[] }[] = [
  {
    url: "https://www.olx.pl/d/nieruchomosci/mieszkania/wynajem/wroclaw/?search%5Border%5D=created_at:desc&search%5Bfilter_float_price:from%5D=2500&search%5Bfilter_float_price:to%5D=3000&search%5Bfilter_float_m:from%5D=40&search%5Bfilter_enum_rooms%5D%5B0%5D=two&search%5Bfilter_enum_rooms%5D%5B1%5D=three",
    from: "code index id 17192070761 (a scraper's Referer header)",
    city: "wroclaw",
    draft: { source: "olx", deal: "rent", property: "flat", priceMin: 2500, priceMax: 3000, areaMin: 40, roomsMin: 2, roomsMax: 3 },
  },
  {
    url: "https://www.olx.pl/d/nieruchomosci/mieszkania/wynajem/warszawa/?search%5Bfilter_float_price:from%5D=2300&search%5Bfilter_float_price:to%5D=2700&search%5Bfilter_float_m:from%5D=35&search%5Bfilter_enum_rooms%5D%5B0%5D=two",
    from: "code index id 614316649",
    city: "warszawa",
    draft: { source: "olx", deal: "rent", priceMin: 2300, priceMax: 2700, areaMin: 35, roomsMin: 2, roomsMax: 2 },
  },
  {
    url: "https://www.olx.pl/nieruchomosci/mieszkania/wynajem/warszawa/?search%5Bfilter_float_price:to%5D=1700&search%5Bfilter_float_m:from%5D=20",
    from: "code index id 9223126244 (the pre-/d/ path form)",
    city: "warszawa",
    draft: { source: "olx", deal: "rent", priceMin: null, priceMax: 1700, areaMin: 20, roomsMin: null },
  },
  {
    url: "https://www.olx.pl/nieruchomosci/mieszkania/sprzedaz/warszawa/?search%5Bfilter_float_price%3Ato%5D=210000&page=2",
    from: "marcin-mazurek/property-search-engine server/tests/_fixtures/olx-multi-page.ts (rel=next)",
    city: "warszawa",
    draft: { source: "olx", deal: "sale", priceMax: 210000 },
  },
  {
    url: "https://www.olx.pl/d/nieruchomosci/mieszkania/wynajem/wroclaw/?search[order]=created_at%3Adesc",
    from: "code index id 24809364406",
    city: "wroclaw",
    draft: { source: "olx", deal: "rent", priceMax: null, roomsMin: null },
  },
  {
    url: "https://www.otodom.pl/pl/wyniki/wynajem/mieszkanie/malopolskie/krakow/krakow/krakow/stare-miasto?ownerTypeSingleSelect=ALL&distanceRadius=5&priceMin=2500&priceMax=2500&areaMin=40&areaMax=40&viewType=listing",
    from: "code index id 37489222381",
    city: "krakow",
    // A radius around a district: around the district's centre (seed: Stare Miasto 50.0614, 19.9372).
    draft: { source: "otodom", deal: "rent", priceMin: 2500, priceMax: 2500, areaMin: 40, areaMax: 40, radiusKm: 5, lat: 50.0614, lon: 19.9372, districts: [] },
  },
  {
    url: "https://www.otodom.pl/pl/wyniki/sprzedaz/mieszkanie/mazowieckie/warszawa/warszawa/warszawa?limit=36&ownerTypeSingleSelect=ALL&areaMin=60&buildYearMin=1999&roomsNumber=%5BTHREE%2CFOUR%5D&priceMax=1500000&by=DEFAULT&direction=DESC",
    from: "code index id 12380236083",
    city: "warszawa",
    draft: { source: "otodom", deal: "sale", areaMin: 60, roomsMin: 3, roomsMax: 4, priceMax: 1_500_000 },
    unused: ["buildYearMin=1999"],
  },
  {
    url: "https://www.otodom.pl/pl/wyniki/sprzedaz/mieszkanie,rynek-wtorny/dolnoslaskie/wroclaw/wroclaw/wroclaw?limit=72&ownerTypeSingleSelect=ALL&areaMin=35&areaMax=55&roomsNumber=%5BTWO%2CTHREE%5D&pricePerMeterMax=12000&extras=%5BBALCONY%2CLIFT%5D&by=DEFAULT&direction=DESC&viewType=listing",
    from: "code index id 33252731390",
    city: "wroclaw",
    draft: { deal: "sale", areaMin: 35, areaMax: 55, roomsMin: 2, roomsMax: 3, pricePerM2Max: 12000 },
    unused: ["rynek-wtorny", "extras=[BALCONY,LIFT]"],
  },
  {
    url: "https://www.otodom.pl/pl/wyniki/sprzedaz/mieszkanie/malopolskie/krakow/krakow/krakow?limit=72&ownerTypeSingleSelect=ALL&areaMin=55&priceMax=1200000&roomsNumber=%5BTHREE%2CFOUR%2CFIVE%2CSIX_OR_MORE%5D&by=LATEST&direction=DESC",
    from: "code index id 14768811336",
    city: "krakow",
    draft: { deal: "sale", areaMin: 55, priceMax: 1_200_000, roomsMin: 3, roomsMax: null },
  },
  {
    url: "https://www.otodom.pl/pl/oferty/wynajem/mieszkanie/krakow?page=1&limit=36&market=ALL&ownerTypeSingleSelect=ALL&distanceRadius=0&priceMax=5000&areaMin=75&locations=%5Bcities_6-38%5D&roomsNumber=%5BFOUR%5D&viewType=listing",
    from: "code index id 9867376281 (the /pl/oferty/ form)",
    city: "krakow",
    draft: { deal: "rent", priceMax: 5000, areaMin: 75, roomsMin: 4, roomsMax: 4, radiusKm: null },
    unused: ["locations=[cities_6-38]"],
  },
  {
    url: "https://www.otodom.pl/pl/oferty/sprzedaz/mieszkanie/warszawa/srodmiescie?roomsNumber=%5BTHREE%5D",
    from: "code index id 1829003424",
    city: "warszawa",
    draft: { deal: "sale", roomsMin: 3, roomsMax: 3, districts: ["Śródmieście"] },
  },
  {
    url: "https://otodom.pl/sprzedaz/mieszkanie/warszawa/?search%5Bfilter_float_price%3Afrom%5D=150000&search%5Bfilter_float_price%3Ato%5D=170000&search%5Bfilter_enum_market%5D%5B0%5D=secondary",
    from: "marcin-mazurek/property-search-engine server/tests/_fixtures/otodom-multi-page.ts (otodom before 2022, OLX-style filters)",
    city: "warszawa",
    draft: { source: "otodom", deal: "sale", priceMin: 150000, priceMax: 170000 },
    unused: ["search[filter_enum_market][0]=secondary"],
  },
  {
    url: "https://www.olx.pl/nieruchomosci/mieszkania/wynajem/warszawa/?search%5Bfilter_float_price%3Afrom%5D=1000&search%5Bfilter_float_price%3Ato%5D=2000&search%5Bprivate_business%5D=private&search%5Bdistrict_id%5D=373",
    from: "Ch3shireDev/mieszkania-olx server.js @ c261e6da",
    city: "warszawa",
    draft: { source: "olx", deal: "rent", priceMin: 1000, priceMax: 2000, privateOnly: true, districts: ["Ursynów"] },
  },
  {
    url: "http://olx.pl/nieruchomosci/mieszkania/wynajem/krakow/q-kurdwanow?search[dist]=5&search%5Bfilter_float_price%3Afrom%5D=800&search%5Bfilter_float_price%3Ato%5D=1600&search%5Bfilter_enum_rooms%5D%5B0%5D=two&search%5Bfilter_float_m%3Afrom%5D=40&search%5Bfilter_float_m%3Ato%5D=70",
    from: "mateuszmidor/DwellingDigger test/mvc/model/olx/offer_search_query_test.py @ 653c1e7a (a text query and a radius)",
    city: "krakow",
    draft: { deal: "rent", includeKeywords: ["kurdwanow"], radiusKm: 5, priceMin: 800, priceMax: 1600, roomsMin: 2, roomsMax: 2, areaMin: 40, areaMax: 70 },
  },
  {
    url: "https://www.olx.pl/nieruchomosci/mieszkania/wynajem/gdansk/?search%5Bfilter_float_price%3Ato%5D=1600&search%5Bfilter_enum_rooms%5D%5B0%5D=one&search%5Bfilter_enum_rooms%5D%5B1%5D=two",
    from: "Robikos/bot-mieszkaniowy config/secrets.yml @ 36988922",
    city: "gdansk",
    draft: { source: "olx", deal: "rent", priceMax: 1600, roomsMin: 1, roomsMax: 2 },
  },
  {
    url: "https://www.olx.pl/nieruchomosci/mieszkania/wynajem/gdansk/?search%5Bfilter_enum_furniture%5D%5B0%5D=yes",
    from: "PatrykPodworski/Mieszkando Tests/Samples/OlxSampleHtml.txt @ 21ef6d7f (a filter link on a saved OLX page)",
    city: "gdansk",
    draft: { source: "olx", deal: "rent" },
    unused: ["search[filter_enum_furniture][0]=yes"],
  },
  {
    url: "https://www.otodom.pl/pl/wyniki/wynajem/mieszkanie/pomorskie/gdansk/gdansk/gdansk?limit=36",
    from: "code index id 60904756605",
    city: "gdansk",
    draft: { source: "otodom", deal: "rent", property: "flat" },
  },
];

const deps = async (): Promise<ResolveDeps> => {
  const db = useDb(env.DB);
  return {
    cities: await listCities(db),
    districts: (id) => listDistricts(db, id),
    olxIds: async () => null,
    saveOlxIds: async () => undefined,
  };
};

describe("real search links become saved searches", () => {
  for (const link of REAL_LINKS) {
    it(`${new URL(link.url).hostname}${new URL(link.url).pathname} (${link.from})`, async ({ expect }) => {
      const parsed = parseSearchLink(`Zobacz: ${link.url} dzięki!`);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      const result = await resolveLink(parsed.link, await deps());
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.resolved.draft).toMatchObject({ ...link.draft, cityId: await cityId(link.city) });
      expect(result.resolved.unused).toEqual(link.unused ?? []);
      // What a link gives is always a savable search.
      expect(validateDraft(result.resolved.draft).ok).toBe(true);
    });
  }
});

describe("links that are not a search we can save", () => {
  it("says why, in one word the bot turns into a sentence", ({ expect }) => {
    const problem = (text: string) => {
      const r = parseSearchLink(text);
      return r.ok ? "ok" : r.problem;
    };
    // An offer page from the OLX capture in test/fixtures/olx.
    expect(problem("https://www.olx.pl/d/oferta/2-pokoje-plac-grunwaldzki-od-zaraz-promocja-v-ix-2023-CID3-IDIiUR2.html")).toBe("not_a_search");
    expect(problem("https://otodom.pl/oferta/kawalerka-na-ochocie-ID35t2s.html#xtor=SEC-18")).toBe("not_a_search");
    // code index id 5086575451: no city in the path
    expect(problem("https://www.olx.pl/d/nieruchomosci/mieszkania/wynajem/")).toBe("no_city");
    // konrad-krysiak/node-olx-scrapper src/config/config.ts @ e1f34eb2: rooms to let, a category OLX is not watched for
    expect(problem("https://www.olx.pl/nieruchomosci/stancje-pokoje/krakow/?search%5Border%5D=created_at:desc")).toBe("unsupported_category");
    // Sobiechh/OLX-scraping tests.py @ 7dff79b1: plots
    expect(problem("https://www.olx.pl/nieruchomosci/dzialki/sprzedaz/Lodz/?search%5Bfilter_float_m%3Afrom%5D=5000&search%5Bfilter_float_m%3Ato%5D=8000&")).toBe("unsupported_category");
    // grbrr/olx-scrapper-rents main.js @ 5ab21746: flats, but neither for sale nor for rent
    expect(problem("https://www.olx.pl/d/nieruchomosci/mieszkania/wroclaw/?search%5Bfilter_enum_rooms%5D%5B0%5D=one&search%5Bfilter_enum_rooms%5D%5B1%5D=two&search%5Bfilter_enum_rooms%5D%5B2%5D=four")).toBe("no_deal");
    expect(problem("https://www.gumtree.pl/s-mieszkania-i-domy-do-wynajecia/rembertow/v1c9008l3200016p1")).toBe("other_site");
    expect(problem("mieszkanie na mokotowie")).toBe("not_a_link");
    // A broken escape someone typed: read as written, not thrown.
    expect(problem("https://www.olx.pl/d/nieruchomosci/mieszkania/wynajem/%E0%A4%A/")).toBe("ok");
    expect(problem("www.olx.pl/d/nieruchomosci/mieszkania/wynajem/wroclaw/")).toBe("ok");
  });

  it("refuses a region or a city it does not know, naming it", async ({ expect }) => {
    for (const [url, place] of [
      // code index id 31575067905: a whole voivodeship
      ["https://www.otodom.pl/pl/wyniki/wynajem/mieszkanie/lodzkie?distanceRadius=0&page=1&limit=36&by=DEFAULT&direction=DESC&viewType=listing", "lodzkie"],
      // code index id 4481360480: Gliwice, not among our cities
      [
        "https://www.otodom.pl/pl/wyniki/sprzedaz/mieszkanie/slaskie/gliwice/gliwice/gliwice?limit=72&ownerTypeSingleSelect=ALL&priceMax=300000&areaMin=35&buildYearMin=1950&roomsNumber=%5BTWO%2CTHREE%5D&by=DEFAULT&direction=DESC&viewType=listing",
        "slaskie/gliwice/gliwice/gliwice",
      ],
    ] as const) {
      const parsed = parseSearchLink(url);
      if (!parsed.ok) throw new Error(parsed.problem);
      expect(await resolveLink(parsed.link, await deps())).toEqual({ ok: false, problem: "unknown_city", place });
    }
  });
});
