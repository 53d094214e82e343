import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import { fold } from "../lib/fold.ts";
import type { Point } from "../lib/geo.ts";
import type { Centroids, City, District, OlxIds } from "../model/location.ts";
import { type Db, useDb } from "./client.ts";
import { inJsonList } from "./json-list.ts";
import { locations } from "./schema.ts";

const cityColumns = {
  id: locations.id,
  slug: locations.slug,
  name: locations.name,
  olxCityId: locations.olxCityId,
  olxRegionId: locations.olxRegionId,
  region: locations.region,
  otodomPath: locations.otodomPath,
  lat: locations.lat,
  lon: locations.lon,
};

/** Every city, by name (~480 rows: every Polish city OLX knows, drizzle/0008), then by id (two towns share a name). */
export async function listCities(db: Db): Promise<City[]> {
  return db.select(cityColumns).from(locations).where(eq(locations.kind, "city")).orderBy(asc(locations.name), asc(locations.id));
}

/** The districts of a city we know, by name. */
export async function listDistricts(db: Db, cityId: number): Promise<District[]> {
  return db
    .select({ name: locations.name, olxDistrictId: locations.olxDistrictId, lat: locations.lat, lon: locations.lon })
    .from(locations)
    .where(and(eq(locations.kind, "district"), eq(locations.parentId, cityId)))
    .orderBy(asc(locations.name));
}

/**
 * The centroids of these cities and of their districts, in one query, for
 * radius checks on listings without coordinates; district names compare folded.
 * The id list is one JSON parameter (no 100-parameter limit).
 */
export async function loadCentroids(d1: D1Database, cityIds: readonly number[]): Promise<Centroids> {
  const rows = await useDb(d1)
    .select({ id: locations.id, kind: locations.kind, parentId: locations.parentId, name: locations.name, lat: locations.lat, lon: locations.lon })
    .from(locations)
    .where(or(inJsonList(locations.id, cityIds), inJsonList(locations.parentId, cityIds)));
  const cities = new Map<number, Point>();
  const districts = new Map<string, Point>();
  for (const r of rows) {
    if (r.lat === null || r.lon === null) continue;
    const point = { lat: r.lat, lon: r.lon };
    if (r.kind === "city") cities.set(r.id, point);
    else if (r.parentId !== null) districts.set(`${r.parentId}|${fold(r.name)}`, point);
  }
  return {
    city: (cityId) => cities.get(cityId) ?? null,
    district: (cityId, name) => districts.get(`${cityId}|${fold(name)}`) ?? null,
  };
}

/** Remembers a city's OLX ids (learnt from OLX's friendly-links); never overwrites ids already known. */
export async function saveOlxIds(db: Db, cityId: number, ids: OlxIds): Promise<void> {
  await db
    .update(locations)
    .set({ olxCityId: ids.cityId, olxRegionId: sql`COALESCE(${locations.olxRegionId}, ${ids.regionId})` })
    .where(and(eq(locations.id, cityId), isNull(locations.olxCityId)));
}
