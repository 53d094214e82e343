import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, it } from "vitest";
import { useDb } from "../../src/db/client.ts";
import { listCities, loadCentroids } from "../../src/db/locations.ts";
import { matchCity } from "../../src/model/location.ts";
import { locations, settings } from "../../src/db/schema.ts";

const db = () => useDb(env.DB);

async function districtsOf(citySlug: string) {
  const city = matchCity(await listCities(db()), citySlug);
  if (!city) throw new Error(`no ${citySlug}`);
  return db()
    .select()
    .from(locations)
    .where(and(eq(locations.kind, "district"), eq(locations.parentId, city.id)));
}

describe("seed migration", () => {
  it("has Warszawa with the OLX ids of the 2023 capture and its 18 dzielnice", async ({ expect }) => {
    const warszawa = matchCity(await listCities(db()), "warszawa");
    expect(warszawa).toMatchObject({
      slug: "warszawa",
      name: "Warszawa",
      olxCityId: 17871,
      olxRegionId: 2,
      otodomPath: "mazowieckie/warszawa/warszawa/warszawa",
    });
    const districts = await districtsOf("warszawa");
    expect(districts).toHaveLength(18);
    expect(districts.every((d) => d.slug.startsWith("warszawa/") && d.lat !== null && d.lon !== null)).toBe(true);
    expect(districts.find((d) => d.name === "Wola")?.olxDistrictId).toBe(359);
  });

  it("has every Polish city OLX knows, with its ids, voivodeship and centre; the older seed's cities keep their Otodom paths", async ({ expect }) => {
    const cities = await listCities(db());
    expect(cities).toHaveLength(480);
    for (const c of cities) {
      expect(c.olxCityId).not.toBeNull();
      expect(c.olxRegionId).not.toBeNull();
      expect(c.region).toMatch(/^[a-z-]+$/);
      expect(c.lat).toBeGreaterThan(49);
      expect(c.lat).toBeLessThan(55);
      expect(c.lon).toBeGreaterThan(14);
      expect(c.lon).toBeLessThan(24.2);
    }
    // Small towns are served like Warszawa.
    expect(matchCity(cities, "Bielawa")).toMatchObject({ olxCityId: 3197, olxRegionId: 3, region: "dolnoslaskie" });
    expect(matchCity(cities, "zakopane")).toMatchObject({ name: "Zakopane", olxCityId: 59535, olxRegionId: 4, region: "malopolskie" });
    // The older seed's 18: their Otodom paths stay, and the ids our captures gave agree with OLX's list.
    const mvp = ["warszawa", "krakow", "wroclaw", "poznan", "gdansk", "lodz", "lublin", "katowice", "szczecin"];
    mvp.push("bydgoszcz", "bialystok", "gdynia", "rzeszow", "kielce", "torun", "olsztyn", "opole", "sopot");
    for (const slug of mvp) expect(cities.find((c) => c.slug === slug)?.otodomPath).toMatch(new RegExp(`^[a-z-]+/${slug}/${slug}/${slug}$`));
    const captured: Record<string, [number, number]> = {
      warszawa: [17871, 2],
      krakow: [8959, 4],
      wroclaw: [19701, 3],
      poznan: [13983, 1],
      lublin: [10119, 8],
      bydgoszcz: [4019, 15],
      rzeszow: [15241, 17],
      kielce: [7971, 13],
      gdansk: [5659, 5],
      lodz: [10609, 7],
      katowice: [7691, 6],
    };
    for (const [slug, ids] of Object.entries(captured)) {
      const c = cities.find((x) => x.slug === slug);
      expect([c?.olxCityId, c?.olxRegionId], slug).toEqual(ids);
    }
    // Two towns named Bydgoszcz, told apart by their voivodeship; no other name repeats within one.
    expect(cities.filter((c) => c.name === "Bydgoszcz").map((c) => c.region).sort()).toEqual(["kujawsko-pomorskie", "pomorskie"]);
    const keys = cities.map((c) => `${c.name}|${c.region}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("gives districts the OLX ids the captures show, under the right name", async ({ expect }) => {
    const captured: [string, string, number][] = [
      ["krakow", "Krowodrza", 255],
      ["krakow", "Bronowice", 259],
      ["krakow", "Dębniki", 261],
      ["krakow", "Podgórze", 263],
      ["krakow", "Podgórze Duchackie", 269],
      ["krakow", "Prądnik Biały", 275],
      ["krakow", "Czyżyny", 283],
      ["krakow", "Bieńczyce", 285],
      ["warszawa", "Wola", 359],
      ["wroclaw", "Śródmieście", 387],
      ["wroclaw", "Krzyki", 391],
      ["poznan", "Winiary", 725],
      // From saved OLX pages in public code (drizzle/0005).
      ...(["Białołęka:365", "Ochota:355", "Śródmieście:351", "Ursus:371", "Rembertów:361", "Targówek:377", "Włochy:357"]
        .concat(["Bielany:369", "Wawer:383", "Bemowo:367", "Ursynów:373", "Mokotów:353", "Wesoła:533", "Praga-Południe:381"])
        .map((d) => ["warszawa", ...d.split(":")] as const)
        .map(([c, n, i]) => [c, n, Number(i)] as [string, string, number])),
      ...(["Zwierzyniec:257", "Swoszowice:267", "Bieżanów-Prokocim:271", "Stare Miasto:273", "Grzegórzki:279", "Nowa Huta:287", "Mistrzejowice:463"]
        .map((d) => ["krakow", ...d.split(":")] as const)
        .map(([c, n, i]) => [c, n, Number(i)] as [string, string, number])),
    ];
    const all = await db().select().from(locations).where(eq(locations.kind, "district"));
    const withIds = all.filter((d) => d.olxDistrictId !== null);
    expect(withIds).toHaveLength(captured.length);
    for (const [city, name, id] of captured) {
      const district = withIds.find((d) => d.olxDistrictId === id && d.slug.startsWith(`${city}/`));
      expect(district?.name).toBe(name);
      expect(district?.slug.startsWith(`${city}/`)).toBe(true);
    }
  });

  it("has the Otodom district names of the Kraków capture and Wrocław's five districts", async ({ expect }) => {
    const krakow = (await districtsOf("krakow")).map((d) => d.name);
    expect(krakow).toHaveLength(18);
    // District names in the 2026 Otodom Kraków search capture.
    const captured = ["Bieżanów-Prokocim", "Czyżyny", "Dębniki", "Grzegórzki", "Krowodrza", "Mistrzejowice"];
    captured.push("Podgórze", "Podgórze Duchackie", "Prądnik Biały", "Stare Miasto", "Zwierzyniec");
    for (const name of captured) expect(krakow).toContain(name);
    const wroclaw = (await districtsOf("wroclaw")).map((d) => d.name).sort();
    expect(wroclaw).toEqual(["Fabryczna", "Krzyki", "Psie Pole", "Stare Miasto", "Śródmieście"]);
    expect((await districtsOf("poznan")).map((d) => d.name)).toContain("Grunwald");
    expect((await districtsOf("gdansk")).length).toBeGreaterThanOrEqual(15);
  });

  it("starts the search version at 1", async ({ expect }) => {
    const [row] = await db().select().from(settings).where(eq(settings.key, "search_version"));
    expect(row?.value).toBe(1);
  });
});

describe("matchCity", () => {
  it("finds a city by slug or by name in any case and spelling", async ({ expect }) => {
    for (const query of ["lodz", "Łódź", "  ŁÓDŹ ", "LODZ"]) {
      expect((matchCity(await listCities(db()), query))?.slug).toBe("lodz");
    }
    expect((matchCity(await listCities(db()), "Kraków"))?.name).toBe("Kraków");
    expect((matchCity(await listCities(db()), "bialystok"))?.name).toBe("Białystok");
  });

  it("finds no district, no unknown city and nothing for an empty query", async ({ expect }) => {
    expect(matchCity(await listCities(db()), "Mokotów")).toBeNull();
    expect(matchCity(await listCities(db()), "warszawa/mokotow")).toBeNull();
    expect(matchCity(await listCities(db()), "Pcim")).toBeNull(); // a village OLX does not list as a city
    expect(matchCity(await listCities(db()), " - ")).toBeNull();
  });
});

describe("loadCentroids", () => {
  it("loads cities and their districts in one query; same district names stay apart by city", async ({ expect }) => {
    const warszawa = matchCity(await listCities(db()), "warszawa");
    const wroclaw = matchCity(await listCities(db()), "wroclaw");
    const krakow = matchCity(await listCities(db()), "krakow");
    if (!warszawa || !wroclaw || !krakow) throw new Error("seed cities missing");
    const centroids = await loadCentroids(env.DB, [warszawa.id, wroclaw.id]);
    expect(centroids.city(warszawa.id)).toEqual({ lat: 52.2297, lon: 21.0122 });
    expect(centroids.district(warszawa.id, "srodmiescie")).toEqual({ lat: 52.231, lon: 21.015 });
    expect(centroids.district(wroclaw.id, "ŚRÓDMIEŚCIE")).toEqual({ lat: 51.119, lon: 17.056 });
    expect(centroids.district(warszawa.id, "Praga Południe")).toEqual({ lat: 52.239, lon: 21.084 });
    expect(centroids.district(wroclaw.id, "Mokotów")).toBeNull();
    // Not asked for: not loaded.
    expect(centroids.city(krakow.id)).toBeNull();
    expect(centroids.district(krakow.id, "Podgórze")).toBeNull();
  });

  it("loads nothing for no cities", async ({ expect }) => {
    const centroids = await loadCentroids(env.DB, []);
    expect(centroids.city(1)).toBeNull();
  });
});

describe("OLX ids from public captures (drizzle/0005)", () => {
  it("fills cities and districts, agreeing with ids the seed already had", async ({ expect }) => {
    const id = (sql: string) => env.DB.prepare(sql).first<{ olx: number | null }>().then((r) => r?.olx ?? null);
    expect(await id(`SELECT olx_city_id AS olx FROM locations WHERE slug = 'gdansk'`)).toBe(5659);
    expect(await id(`SELECT olx_city_id AS olx FROM locations WHERE slug = 'lodz'`)).toBe(10609);
    const district = (city: string, name: string) =>
      id(`SELECT d.olx_district_id AS olx FROM locations d JOIN locations c ON c.id = d.parent_id WHERE c.slug = '${city}' AND d.name = '${name}'`);
    // The seed's own ids (from our captures) and the public ones are the same where both exist.
    expect(await district("warszawa", "Wola")).toBe(359);
    expect(await district("krakow", "Prądnik Biały")).toBe(275);
    expect(await district("krakow", "Podgórze")).toBe(263);
    // Filled by 0005.
    expect(await district("warszawa", "Mokotów")).toBe(353);
    expect(await district("warszawa", "Ursynów")).toBe(373);
    expect(await district("krakow", "Stare Miasto")).toBe(273);
  });
});
