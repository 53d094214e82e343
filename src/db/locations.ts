import { asc, eq } from "drizzle-orm";
import type { Centroids } from "../filter/match.ts";
import { fold } from "../lib/fold.ts";
import type { Point } from "../lib/geo.ts";
import type { Db } from "./client.ts";
import { JSON_LIST, rowsOf } from "./json-list.ts";
import { locations } from "./schema.ts";

/** A city users can search in, with what each site needs to be asked about it. */
export interface City {
  id: number;
  slug: string;
  name: string;
  /** null: not known yet, the city cannot be fetched from OLX. */
  olxCityId: number | null;
  olxRegionId: number | null;
  /** null: the city cannot be fetched from Otodom. */
  otodomPath: string | null;
  lat: number | null;
  lon: number | null;
}

const cityColumns = {
  id: locations.id,
  slug: locations.slug,
  name: locations.name,
  olxCityId: locations.olxCityId,
  olxRegionId: locations.olxRegionId,
  otodomPath: locations.otodomPath,
  lat: locations.lat,
  lon: locations.lon,
};

/** Every city, by name (a few dozen rows: the seed migration's list). */
export async function listCities(db: Db): Promise<City[]> {
  return db.select(cityColumns).from(locations).where(eq(locations.kind, "city")).orderBy(asc(locations.name));
}

/**
 * The city a user means, by slug or name in any spelling that folds alike:
 * "Łódź", "lodz", "ŁÓDŹ " all find Łódź. Compared in the isolate, since SQLite
 * cannot fold Polish letters; the city list is small.
 *
 * @example await findCity(useDb(env.DB), "krakow") // { slug: "krakow", name: "Kraków", … }
 * @returns null when no city has that slug or name
 */
export async function findCity(db: Db, nameOrSlug: string): Promise<City | null> {
  const wanted = fold(nameOrSlug);
  if (!wanted) return null;
  const cities = await listCities(db);
  return cities.find((c) => fold(c.slug) === wanted || fold(c.name) === wanted) ?? null;
}

interface LocationRow {
  id: number;
  kind: "city" | "district";
  parent_id: number | null;
  name: string;
  lat: number | null;
  lon: number | null;
}

/**
 * The centroids of these cities and of their districts, in one query, for
 * radius checks on listings without coordinates; district names compare folded.
 * A plain D1 statement like the rest of the filter's hot path: the id list is
 * one JSON parameter (no 100-parameter limit) and the caller holds a D1 binding.
 */
export async function loadCentroids(d1: D1Database, cityIds: readonly number[]): Promise<Centroids> {
  const result = await d1
    .prepare(
      `SELECT id, kind, parent_id, name, lat, lon FROM locations
       WHERE id IN ${JSON_LIST} OR parent_id IN ${JSON_LIST}`,
    )
    .bind(JSON.stringify(cityIds), JSON.stringify(cityIds))
    .all();
  const cities = new Map<number, Point>();
  const districts = new Map<string, Point>();
  for (const r of rowsOf<LocationRow>(result)) {
    if (r.lat === null || r.lon === null) continue;
    const point = { lat: r.lat, lon: r.lon };
    if (r.kind === "city") cities.set(r.id, point);
    else if (r.parent_id !== null) districts.set(`${r.parent_id}|${fold(r.name)}`, point);
  }
  return {
    city: (cityId) => cities.get(cityId) ?? null,
    district: (cityId, name) => districts.get(`${cityId}|${fold(name)}`) ?? null,
  };
}
