import type { Centroids } from "../filter/match.ts";
import { fold } from "../lib/fold.ts";
import type { Point } from "../lib/geo.ts";
import { JSON_LIST, rowsOf } from "./json-list.ts";

interface LocationRow {
  id: number;
  kind: "city" | "district";
  parent_id: number | null;
  name: string;
  lat: number | null;
  lon: number | null;
}

/** The centroids of these cities and of their districts, in one query; district names compare folded. */
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
