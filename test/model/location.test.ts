import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { useDb } from "../../src/db/client.ts";
import { listCities } from "../../src/db/locations.ts";
import { type City, cityResolver } from "../../src/model/location.ts";
import { parseOlxApiJson } from "../../src/sources/olx/search-response.ts";
import { parseOlxPrerenderedPage } from "../../src/sources/olx/prerendered.ts";
import { parseOtodomNextData, searchItemToListing } from "../../src/sources/otodom/next-data.ts";
import { htmlResponse, json, raw } from "../sources/fixtures.ts";

/** Every city the migrations seed (every Polish city OLX knows), as the poller reads them. */
const cities = () => listCities(useDb(env.DB));
const slugOf = (all: readonly City[], id: number | null) => all.find((c) => c.id === id)?.slug ?? null;

describe("cityResolver on real captures", () => {
  it("places the 2026 olx.pl Gdańsk answer's offers in Gdańsk, by OLX's city id", async ({ expect }) => {
    const all = await cities();
    const resolve = cityResolver(all);
    const { listings } = parseOlxApiJson(json(raw.olxGdansk2026));
    expect(listings.length).toBeGreaterThan(0);
    expect(listings[0]).toMatchObject({ city: "Gdańsk", olxCityId: 5659, region: "pomorskie", district: "Zaspa Młyniec" });
    expect(listings.map((l) => slugOf(all, resolve(l)))).toEqual(listings.map(() => "gdansk"));
  });

  it("places the 2026 Otodom items by name within their voivodeship (Otodom gives no ids)", async ({ expect }) => {
    const all = await cities();
    const resolve = cityResolver(all);
    const gdansk = searchItemToListing(json(raw.otodomGdanskItem2026), () => {});
    if ("skipped" in gdansk) throw new Error("the Gdańsk item was skipped");
    expect(gdansk).toMatchObject({ city: "Gdańsk", olxCityId: null, region: "pomorskie" });
    expect(slugOf(all, resolve(gdansk))).toBe("gdansk");
    const { listings } = parseOtodomNextData(json(raw.otodomKrakow2026));
    expect(listings.length).toBe(23); // of its 28 items, 5 are developer tiles or promoted repeats
    expect(new Set(listings.map((l) => slugOf(all, resolve(l))))).toEqual(new Set(["krakow"]));
  });

  it("places 47 of the 2023 all-Poland OLX page's 52 ads in their towns, and names the 5 it cannot", async ({ expect }) => {
    const all = await cities();
    const resolve = cityResolver(all);
    const { listings } = await parseOlxPrerenderedPage(htmlResponse(raw.olxPage2023));
    const unplaced = listings.filter((l) => resolve(l) === null).map((l) => l.city);
    expect(listings).toHaveLength(52);
    expect(listings.filter((l) => l.olxCityId !== null)).toHaveLength(52);
    // 47 of 52 placed. The rest are villages OLX lists offers in but not among its 480 cities
    // (Stogi and Zalasewo near Gdańsk and Poznań, Sobótka near Wrocław): stored, counted, matched to nothing.
    expect(unplaced).toEqual(["Stogi", "Zalasewo", "Sobótka", "Sobótka", "Sobótka"]);
  });

  it("never guesses between two towns of one name", ({ expect }) => {
    const two: City[] = [
      { id: 1, slug: "bydgoszcz", name: "Bydgoszcz", olxCityId: 4019, olxRegionId: 15, region: "kujawsko-pomorskie", otodomPath: null, lat: null, lon: null },
      { id: 2, slug: "bydgoszcz_131417", name: "Bydgoszcz", olxCityId: 131417, olxRegionId: 5, region: "pomorskie", otodomPath: null, lat: null, lon: null },
    ];
    const resolve = cityResolver(two);
    expect(resolve({ city: "Bydgoszcz", olxCityId: 131417, region: null })).toBe(2);
    expect(resolve({ city: "BYDGOSZCZ", olxCityId: null, region: "kujawsko-pomorskie" })).toBe(1);
    // Otodom's province folds to "kujawsko pomorskie": the same voivodeship.
    expect(resolve({ city: "Bydgoszcz", olxCityId: null, region: "kujawsko pomorskie" })).toBe(1);
    expect(resolve({ city: "Bydgoszcz", olxCityId: null, region: null })).toBeNull();
    expect(resolve({ city: "Bydgoszcz", olxCityId: null, region: "mazowieckie" })).toBeNull();
    expect(resolve({ city: null, olxCityId: null, region: null })).toBeNull();
    // An OLX place of that name but another id is a namesake, not our town.
    expect(resolve({ city: "Bydgoszcz", olxCityId: 999, region: "kujawsko-pomorskie" })).toBeNull();
  });
});
