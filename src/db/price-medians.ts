import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { inJsonList, rowsOf } from "./json-list.ts";
import { listings, priceMedians } from "./schema.ts";

/**
 * Recomputes every median of price per m² (D1 price_medians) from the listings first seen since
 * `since`: per deal, property, city, rooms band (1, 2, 3, 4+), for each district and for the
 * whole city (district ""). One flat counts once however many ads it had (its latest ad's
 * price). Groups of fewer than `minSample` flats are not stored, and medians of groups that fell
 * under it are deleted, so a reader never sees a median from a small sample. Two statements, one
 * round trip: the cron's, never a message's.
 *
 * @returns how many medians are stored now
 */
export async function recomputePriceMedians(d1: D1Database, opts: { since: number; now: number; minSample: number }): Promise<number> {
  const [, , count] = await d1.batch([
    d1
      .prepare(
        `WITH flats AS (
           SELECT deal, property, city_id, coalesce(district, '') AS district, min(rooms, 4) AS rooms_band, price_per_m2 AS per_m2,
                  row_number() OVER (PARTITION BY coalesce(flat_key, dedup_key) ORDER BY last_seen_at DESC, id DESC) AS latest
           FROM listings
           WHERE first_seen_at >= ?1 AND city_id IS NOT NULL AND deal IS NOT NULL AND property IS NOT NULL
             AND rooms >= 1 AND area_m2 >= 10 AND price_per_m2 > 0 AND duplicate_of IS NULL
         ),
         grouped AS (
           SELECT deal, property, city_id, district, rooms_band, per_m2 FROM flats WHERE latest = 1 AND district <> ''
           UNION ALL
           SELECT deal, property, city_id, '', rooms_band, per_m2 FROM flats WHERE latest = 1
         ),
         ranked AS (
           SELECT *, row_number() OVER g AS i, count(*) OVER (PARTITION BY deal, property, city_id, district, rooms_band) AS n
           FROM grouped
           WINDOW g AS (PARTITION BY deal, property, city_id, district, rooms_band ORDER BY per_m2)
         )
         INSERT OR REPLACE INTO price_medians (deal, property, city_id, district, rooms_band, median_per_m2, n, computed_at)
         SELECT deal, property, city_id, district, rooms_band, avg(per_m2), n, ?2
         FROM ranked WHERE i IN ((n + 1) / 2, (n + 2) / 2) AND n >= ?3
         GROUP BY deal, property, city_id, district, rooms_band`,
      )
      .bind(opts.since, opts.now, opts.minSample),
    d1.prepare("DELETE FROM price_medians WHERE computed_at < ?").bind(opts.now),
    d1.prepare("SELECT count(*) AS n FROM price_medians"),
  ]);
  return rowsOf<{ n: number }>(count as D1Result<unknown>)[0]?.n ?? 0;
}

/**
 * The stored medians (their districts' and the whole city's) of some cities, or of the cities
 * some listings are in: the filter asks by its batch's listing ids, so the medians come in its
 * first round trip. One query, the ids as one parameter.
 *
 * @example await db.batch([loadListings(db, ids), priceMediansOf(db, { listingIds: ids })])
 */
export function priceMediansOf(db: Db, of: { cityIds: readonly number[] } | { listingIds: readonly number[] }) {
  const cities =
    "cityIds" in of
      ? inJsonList(priceMedians.cityId, of.cityIds)
      : sql`${priceMedians.cityId} IN (SELECT ${listings.cityId} FROM ${listings} WHERE ${inJsonList(listings.id, of.listingIds)})`;
  return db
    .select({
      deal: priceMedians.deal,
      property: priceMedians.property,
      cityId: priceMedians.cityId,
      district: priceMedians.district,
      roomsBand: priceMedians.roomsBand,
      medianPerM2: priceMedians.medianPerM2,
      n: priceMedians.n,
    })
    .from(priceMedians)
    .where(cities);
}
