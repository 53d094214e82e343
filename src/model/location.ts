import type { Point } from "../lib/geo.ts";

/**
 * Where a place without coordinates is taken to be: the centroid of a city
 * or of one of its districts (seeded in D1's locations, src/db/locations.ts).
 */
export interface Centroids {
  city(cityId: number): Point | null;
  /** @param district a district name in any spelling that folds alike ("Śródmieście", "srodmiescie") */
  district(cityId: number, district: string): Point | null;
}

/** No centroid known anywhere: radius checks then need the listing's own coordinates. */
export const NO_CENTROIDS: Centroids = { city: () => null, district: () => null };
