import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Listing, StoredListing } from "../model/listing.ts";
import type { Db } from "./client.ts";
import { JSON_LIST, inJsonList, rowsOf } from "./json-list.ts";
import { listings } from "./schema.ts";

/** A listing ready for D1: the normalised fields, its dedup key and its own city. */
export interface ListingInput extends Listing {
  dedupKey: string;
  /** Our city (src/model/location.ts); null: a town we do not know. */
  cityId: number | null;
  /** false: stored but no news (published before anyone watched the feed); default: the call's `notify`. */
  notify?: boolean;
}

export interface UpsertedListing {
  id: number;
  externalId: string;
  /** Stored by this upsert (not seen before), whether or not it is sent. */
  inserted: boolean;
  /** First time any feed stored it, not a duplicate, not a baseline: send it. */
  fresh: boolean;
}

/**
 * Stores what a poll found new or changed, and tells which are new, in ONE
 * statement (the listings travel as one JSON parameter). The poller sends
 * only those (it remembers what it saw), so a feed showing the same page
 * again costs no D1 write. A listing whose dedup key is already stored from
 * the other site is kept (duplicate_of) but never notified; nor is anything
 * stored as a baseline. A stored listing is rewritten only when its title,
 * price or rent changed.
 */
export async function upsertListings(
  d1: D1Database,
  page: readonly ListingInput[],
  opts: { feedId: number; now: number; notify: boolean },
): Promise<{ rows: UpsertedListing[]; rowsWritten: number }> {
  const result = await d1
    .prepare(
      `INSERT INTO listings (
         source, external_id, dedup_key, duplicate_of, feed_id, city_id, url, title, price, currency, rent,
         area_m2, rooms, price_per_m2, city, district, lat, lon, is_private, photo_url, deal, property,
         published_at, first_seen_at, last_seen_at, seen_count, notify)
       SELECT
         j.value ->> 'source', j.value ->> 'externalId', j.value ->> 'dedupKey',
         (SELECT d.id FROM listings d WHERE d.dedup_key = j.value ->> 'dedupKey' AND d.source <> j.value ->> 'source' LIMIT 1),
         ?2, j.value ->> 'cityId', j.value ->> 'url', j.value ->> 'title', j.value ->> 'price', j.value ->> 'currency',
         j.value ->> 'rent', j.value ->> 'areaM2', j.value ->> 'rooms', j.value ->> 'pricePerM2',
         j.value ->> 'city', j.value ->> 'district', j.value ->> 'lat', j.value ->> 'lon', j.value ->> 'isPrivate',
         j.value ->> 'photoUrl', j.value ->> 'deal', j.value ->> 'property', j.value ->> 'publishedAt',
         ?3, ?3, 1,
         CASE WHEN ?4 = 1 AND coalesce(j.value ->> 'notify', 1) = 1 AND NOT EXISTS (
           SELECT 1 FROM listings d WHERE d.dedup_key = j.value ->> 'dedupKey' AND d.source <> j.value ->> 'source'
         ) THEN 1 ELSE 0 END
       FROM json_each(?1) j WHERE true
       ON CONFLICT (source, external_id) DO UPDATE SET
         last_seen_at = excluded.last_seen_at,
         seen_count = listings.seen_count + 1,
         title = excluded.title, price = excluded.price, rent = excluded.rent,
         photo_url = coalesce(excluded.photo_url, listings.photo_url),
         city_id = coalesce(listings.city_id, excluded.city_id),
         inactive_at = NULL
       WHERE listings.inactive_at IS NOT NULL
         OR listings.title IS NOT excluded.title OR listings.price IS NOT excluded.price OR listings.rent IS NOT excluded.rent
       RETURNING id, external_id, seen_count, notify`,
    )
    .bind(JSON.stringify(page), opts.feedId, opts.now, opts.notify ? 1 : 0)
    .all();
  const rows = rowsOf<{ id: number; external_id: string; seen_count: number; notify: number }>(result).map((r) => ({
    id: r.id,
    externalId: r.external_id,
    inserted: r.seen_count === 1,
    fresh: r.seen_count === 1 && r.notify === 1,
  }));
  return { rows, rowsWritten: result.meta.rows_written };
}

/** Saved before queued: marks what reached the queue, so the sweep leaves it alone. */
export function markEnqueuedStatement(d1: D1Database, ids: readonly number[], now: number) {
  return d1
    .prepare(`UPDATE listings SET enqueued_at = ? WHERE id IN ${JSON_LIST} AND enqueued_at IS NULL`)
    .bind(now, JSON.stringify(ids));
}

/** Saved, meant to be sent, never queued (the queue send failed): the sweep re-sends them. */
export async function findUnqueued(d1: D1Database, olderThan: number, limit: number) {
  const result = await d1
    .prepare(
      `SELECT id, feed_id FROM listings
       WHERE notify = 1 AND enqueued_at IS NULL AND first_seen_at < ?
       ORDER BY first_seen_at LIMIT ?`,
    )
    .bind(olderThan, limit)
    .all();
  return rowsOf<{ id: number; feed_id: number }>(result);
}

/** The columns of a stored listing as the model names them: a field added to StoredListing must be added here. */
const STORED_LISTING = {
  id: listings.id,
  source: listings.source,
  externalId: listings.externalId,
  url: listings.url,
  title: listings.title,
  price: listings.price,
  currency: listings.currency,
  rent: listings.rent,
  areaM2: listings.areaM2,
  rooms: listings.rooms,
  pricePerM2: listings.pricePerM2,
  city: listings.city,
  district: listings.district,
  lat: listings.lat,
  lon: listings.lon,
  isPrivate: listings.isPrivate,
  photoUrl: listings.photoUrl,
  deal: listings.deal,
  property: listings.property,
  publishedAt: listings.publishedAt,
  firstSeenAt: listings.firstSeenAt,
} satisfies Record<keyof StoredListing, SQLiteColumn>;

/**
 * The listings of a queue batch as the filter sees them: what the Notifier
 * gets, plus their own city and whether they were filtered before. One
 * query (the ids travel as one parameter), for the filter's first round trip.
 */
export function loadListings(db: Db, ids: readonly number[]) {
  return db
    .select({ ...STORED_LISTING, cityId: listings.cityId, filteredAt: listings.filteredAt })
    .from(listings)
    .where(inJsonList(listings.id, ids));
}

/** A listing as the filter sees it. */
export type FilterListing = Awaited<ReturnType<typeof loadListings>>[number];
