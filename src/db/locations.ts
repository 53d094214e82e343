import { and, asc, eq } from "drizzle-orm";
import type { Centroids } from "../model/location.ts";
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
 * @example matchCity(await listCities(db), "krakow") // { slug: "krakow", name: "Kraków", … }
 * @returns null when no city has that slug or name
 */
export function matchCity(cities: readonly City[], nameOrSlug: string): City | null {
  const wanted = fold(nameOrSlug);
  if (!wanted) return null;
  return cities.find((c) => fold(c.slug) === wanted || fold(c.name) === wanted) ?? null;
}

/** Edits (insert, delete, substitute) between two short strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Cities a typo probably meant: "Krakw" → Kraków, "Wroc" → Wrocław. Closest
 * first; nothing when no city is near.
 */
export function suggestCities(cities: readonly City[], typed: string, max = 3): City[] {
  const wanted = fold(typed);
  if (!wanted) return [];
  return cities
    .map((c) => {
      const name = fold(c.name);
      const distance = name.startsWith(wanted) && wanted.length >= 3 ? 0 : editDistance(wanted, name);
      return { c, distance };
    })
    .filter(({ distance }) => distance <= Math.max(1, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.distance - b.distance || a.c.name.localeCompare(b.c.name, "pl"))
    .slice(0, max)
    .map(({ c }) => c);
}

/** A district users can pick, with OLX's id for it where a capture proved one. */
export interface District {
  name: string;
  olxDistrictId: number | null;
  lat: number | null;
  lon: number | null;
}

/** The districts of a city we know, by name. */
export async function listDistricts(db: Db, cityId: number): Promise<District[]> {
  return db
    .select({ name: locations.name, olxDistrictId: locations.olxDistrictId, lat: locations.lat, lon: locations.lon })
    .from(locations)
    .where(and(eq(locations.kind, "district"), eq(locations.parentId, cityId)))
    .orderBy(asc(locations.name));
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
