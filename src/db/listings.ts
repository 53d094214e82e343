import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { FlatCandidate } from "../model/flat.ts";
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
  /** The flat's blocking key (src/model/flat.ts flatBlockKey); null: too little known to compare. */
  fingerprint: string | null;
  /** The flat this ad shows (src/model/flat.ts flatKeyFor); a stored row keeps the one it has. */
  flatKey: string;
}

/** Price rows kept per flat (flat_prices): the newest, enough for a settings page's history. */
export const FLAT_PRICE_HISTORY = 20;

export interface UpsertedListing {
  id: number;
  externalId: string;
  /** Stored by this upsert (not seen before), whether or not it is sent. */
  inserted: boolean;
  /** First time any feed stored it, not a duplicate, not a baseline: send it. */
  fresh: boolean;
  /** Stored before, sent as news then, and its price dropped now: the chats told of its flat may hear of it. */
  repriced: boolean;
}

/**
 * Stores what a poll found new or changed, and tells which are new, in ONE
 * statement (the listings travel as one JSON parameter). The poller sends
 * only those (it remembers what it saw), so a feed showing the same page
 * again costs no D1 write. A listing whose dedup key is already stored from
 * the other site is kept (duplicate_of) but never notified; nor is anything
 * stored as a baseline. A stored listing is rewritten only when its title,
 * price or rent changed (keeping the price it had in previous_price, so a drop is known). In the same round trip, each ad's price goes into its
 * flat's history (flat_prices) when it differs from the flat's latest, and the
 * history is cut to its newest FLAT_PRICE_HISTORY rows.
 */
export async function upsertListings(
  d1: D1Database,
  page: readonly ListingInput[],
  opts: { feedId: number; now: number; notify: boolean },
): Promise<{ rows: UpsertedListing[]; rowsWritten: number }> {
  const json = JSON.stringify(page);
  const [result] = await d1.batch([
    d1
    .prepare(
      `INSERT INTO listings (
         source, external_id, dedup_key, duplicate_of, feed_id, city_id, url, title, price, currency, rent,
         area_m2, rooms, price_per_m2, floor, city, district, lat, lon, is_private, photo_url, deal, property,
         published_at, first_listed_at, bumped_at, fingerprint, flat_key, first_seen_at, last_seen_at, seen_count, notify)
       SELECT
         j.value ->> 'source', j.value ->> 'externalId', j.value ->> 'dedupKey',
         (SELECT d.id FROM listings d WHERE d.dedup_key = j.value ->> 'dedupKey' AND d.source <> j.value ->> 'source' LIMIT 1),
         ?2, j.value ->> 'cityId', j.value ->> 'url', j.value ->> 'title', j.value ->> 'price', j.value ->> 'currency',
         j.value ->> 'rent', j.value ->> 'areaM2', j.value ->> 'rooms', j.value ->> 'pricePerM2', j.value ->> 'floor',
         j.value ->> 'city', j.value ->> 'district', j.value ->> 'lat', j.value ->> 'lon', j.value ->> 'isPrivate',
         j.value ->> 'photoUrl', j.value ->> 'deal', j.value ->> 'property', j.value ->> 'publishedAt',
         j.value ->> 'firstListedAt', j.value ->> 'bumpedAt', j.value ->> 'fingerprint', j.value ->> 'flatKey',
         ?3, ?3, 1,
         CASE WHEN ?4 = 1 AND coalesce(j.value ->> 'notify', 1) = 1 AND NOT EXISTS (
           SELECT 1 FROM listings d WHERE d.dedup_key = j.value ->> 'dedupKey' AND d.source <> j.value ->> 'source'
         ) THEN 1 ELSE 0 END
       FROM json_each(?1) j WHERE true
       ON CONFLICT (source, external_id) DO UPDATE SET
         last_seen_at = excluded.last_seen_at,
         seen_count = listings.seen_count + 1,
         title = excluded.title, price = excluded.price, rent = excluded.rent,
         previous_price = listings.price,
         photo_url = coalesce(excluded.photo_url, listings.photo_url),
         city_id = coalesce(listings.city_id, excluded.city_id),
         flat_key = coalesce(listings.flat_key, excluded.flat_key),
         fingerprint = coalesce(listings.fingerprint, excluded.fingerprint),
         inactive_at = NULL
       WHERE listings.inactive_at IS NOT NULL
         OR listings.title IS NOT excluded.title OR listings.price IS NOT excluded.price OR listings.rent IS NOT excluded.rent
       RETURNING id, external_id, seen_count, notify, price, previous_price`,
    )
    .bind(json, opts.feedId, opts.now, opts.notify ? 1 : 0),
    d1
      .prepare(
        `INSERT INTO flat_prices (flat_key, price, currency, listing_id, seen_at)
         SELECT l.flat_key, l.price, l.currency, l.id, ?2
         FROM json_each(?1) j JOIN listings l ON l.source = j.value ->> 'source' AND l.external_id = j.value ->> 'externalId'
         WHERE l.price > 0 AND l.flat_key IS NOT NULL
           AND l.price IS NOT (SELECT p.price FROM flat_prices p WHERE p.flat_key = l.flat_key ORDER BY p.seen_at DESC, p.id DESC LIMIT 1)`,
      )
      .bind(json, opts.now),
    d1
      .prepare(
        `DELETE FROM flat_prices
         WHERE flat_key IN (SELECT j.value ->> 'flatKey' FROM json_each(?1) j)
           AND id NOT IN (SELECT p.id FROM flat_prices p WHERE p.flat_key = flat_prices.flat_key ORDER BY p.seen_at DESC, p.id DESC LIMIT ?2)`,
      )
      .bind(json, FLAT_PRICE_HISTORY),
  ]);
  if (!result) throw new Error("upsertListings: D1 batch returned no result");
  const rows = rowsOf<{ id: number; external_id: string; seen_count: number; notify: number; price: number | null; previous_price: number | null }>(result).map((r) => ({
    id: r.id,
    externalId: r.external_id,
    inserted: r.seen_count === 1,
    fresh: r.seen_count === 1 && r.notify === 1,
    repriced: r.seen_count > 1 && r.notify === 1 && r.price !== null && r.previous_price !== null && r.price < r.previous_price,
  }));
  return { rows, rowsWritten: result.meta.rows_written };
}

/** Candidates older than this are not looked at: an ad back after three months is news again. */
const FLAT_CANDIDATE_WINDOW_MS = 90 * 24 * 3_600_000;
/** Candidates read at most per page: a block of one city, rooms and m² rarely holds more in 90 days. */
const FLAT_CANDIDATE_LIMIT = 500;

/**
 * The stored ads that may show the same flat as the ads of a page: those under one of their
 * blocking keys (src/model/flat.ts flatBlockKeys), first seen within 90 days, newest first.
 * One indexed query, the keys as one parameter.
 */
export async function findFlatCandidates(d1: D1Database, keys: readonly string[], now: number): Promise<FlatCandidate[]> {
  if (keys.length === 0) return [];
  const result = await d1
    .prepare(
      `SELECT dedup_key AS dedupKey, flat_key AS flatKey, deal, property, city, district, area_m2 AS areaM2, rooms, floor,
              lat, lon, price, title, photo_url AS photoUrl
       FROM listings WHERE fingerprint IN ${JSON_LIST} AND first_seen_at >= ?
       ORDER BY id DESC LIMIT ?`,
    )
    .bind(JSON.stringify([...new Set(keys)]), now - FLAT_CANDIDATE_WINDOW_MS, FLAT_CANDIDATE_LIMIT)
    .all();
  return rowsOf<FlatCandidate>(result);
}

/** One price a flat was asked at, and since when. */
export interface FlatPrice {
  flatKey: string;
  price: number;
  currency: string | null;
  listingId: number;
  seenAt: number;
}

/** Flats' price histories, each oldest first (at most FLAT_PRICE_HISTORY rows a flat): for the settings page. One query. */
export async function flatPriceHistory(d1: D1Database, flatKeys: readonly string[]): Promise<Map<string, FlatPrice[]>> {
  if (flatKeys.length === 0) return new Map();
  const result = await d1
    .prepare(
      `SELECT flat_key AS flatKey, price, currency, listing_id AS listingId, seen_at AS seenAt FROM flat_prices
       WHERE flat_key IN ${JSON_LIST} ORDER BY seen_at, id`,
    )
    .bind(JSON.stringify([...new Set(flatKeys)]))
    .all();
  return Map.groupBy(rowsOf<FlatPrice>(result), (p) => p.flatKey);
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
  floor: listings.floor,
  city: listings.city,
  district: listings.district,
  lat: listings.lat,
  lon: listings.lon,
  isPrivate: listings.isPrivate,
  photoUrl: listings.photoUrl,
  deal: listings.deal,
  property: listings.property,
  publishedAt: listings.publishedAt,
  firstListedAt: listings.firstListedAt,
  bumpedAt: listings.bumpedAt,
  flatKey: listings.flatKey,
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
