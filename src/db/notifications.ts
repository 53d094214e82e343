import { JSON_LIST, rowsOf } from "./json-list.ts";
import type { notifications } from "./schema.ts";

/** One match to record: [userId, listingId, searchId]. */
export type MatchRow = readonly [userId: number, listingId: number, searchId: number];

/** Rows per statement: keeps the one JSON parameter far below D1's 2 MB value limit. */
const ROWS_PER_STATEMENT = 5_000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A match not yet handed to its Notifier; the statements below name their columns as the schema does. */
export type PendingNotification = Pick<typeof notifications.$inferSelect, "id" | "userId" | "listingId" | "searchId" | "matchedAt">;

const PENDING_COLUMNS = "id, user_id AS userId, listing_id AS listingId, search_id AS searchId, matched_at AS matchedAt";

/**
 * Records matches once: (user, listing) is unique, so a redelivered batch or a
 * second search adds nothing. Each statement returns only the rows it inserted.
 */
export function insertMatchesStatements(d1: D1Database, matches: readonly MatchRow[], now: number) {
  return chunks(matches, ROWS_PER_STATEMENT).map((chunk) =>
    d1
      .prepare(
        `INSERT INTO notifications (user_id, listing_id, search_id, matched_at, status)
         SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, ?2, 'pending'
         FROM json_each(?1) j WHERE true
         ON CONFLICT (user_id, listing_id) DO NOTHING
         RETURNING ${PENDING_COLUMNS}`,
      )
      .bind(JSON.stringify(chunk), now),
  );
}

/**
 * Matches of these listings an earlier try recorded and nobody has sent yet.
 * The hand-over is not written down (one write fewer per match): a retried
 * batch hands all of them over again, and each outbox ignores the ids it has.
 */
export function pendingHandoffStatement(d1: D1Database, listingIds: readonly number[]) {
  return d1
    .prepare(
      `SELECT ${PENDING_COLUMNS} FROM notifications
       WHERE listing_id IN ${JSON_LIST} AND status = 'pending'`,
    )
    .bind(JSON.stringify(listingIds));
}

/** A user who was told of the flat of a listing whose price dropped (the filter's price updates). */
export interface FlatHolder {
  userId: number;
  listingId: number;
}

/**
 * For each of these listings, the users sent (or merged) any ad of its flat: they may hear of
 * its new price. Read only for a batch with price drops.
 */
export function flatHoldersStatement(d1: D1Database, listingIds: readonly number[]) {
  return d1
    .prepare(
      `SELECT DISTINCT n.user_id AS userId, r.id AS listingId
       FROM listings r JOIN listings l ON l.flat_key = r.flat_key JOIN notifications n ON n.listing_id = l.id
       WHERE r.id IN ${JSON_LIST} AND n.status IN ('sent', 'merged')`,
    )
    .bind(JSON.stringify(listingIds));
}

/** A flat a user was sent, as the settings page lists it: its latest ad sent, and when. */
export interface SentFlat {
  flatKey: string;
  title: string;
  url: string;
  source: string;
  city: string | null;
  district: string | null;
  sentAt: number;
}

/**
 * The flats most recently sent to a user (each once, however many of its ads they had), newest
 * first. Reads the user's notifications by the (user, listing) unique index.
 */
export async function sentFlats(d1: D1Database, userId: number, limit: number): Promise<SentFlat[]> {
  const result = await d1
    .prepare(
      // SQLite takes the bare columns from the row of max(): the latest ad sent of each flat.
      `SELECT l.flat_key AS flatKey, l.title, l.url, l.source, l.city, l.district, max(n.sent_at) AS sentAt
       FROM notifications n JOIN listings l ON l.id = n.listing_id
       WHERE n.user_id = ? AND n.status = 'sent' AND l.flat_key IS NOT NULL
       GROUP BY l.flat_key ORDER BY sentAt DESC LIMIT ?`,
    )
    .bind(userId, limit)
    .all();
  return rowsOf<SentFlat>(result);
}

export function markFilteredStatement(d1: D1Database, listingIds: readonly number[], now: number) {
  return d1
    .prepare(`UPDATE listings SET filtered_at = ? WHERE id IN ${JSON_LIST} AND filtered_at IS NULL`)
    .bind(now, JSON.stringify(listingIds));
}

// The Notifier's outcomes: one statement each, whatever the number of
// notifications it covers (the ids travel as one JSON parameter).

/** A notification that went out, and when it entered its outbox. */
export interface SentNotification {
  id: number;
  handedAt: number;
}

/**
 * Telegram accepted (or mock mode recorded) the message holding these
 * notifications: the one write after the insert, with the hand-over time.
 * `uncertain`: an earlier attempt's outcome was unknown, so the user may have a copy.
 */
export function markSentStatement(
  d1: D1Database,
  sent: readonly SentNotification[],
  sentAt: number,
  opts: { mock: boolean; digest: boolean; uncertain: boolean },
) {
  return d1
    .prepare(
      `UPDATE notifications
       SET status = 'sent', sent_at = ?1, handed_at = j.value ->> 1, mock = ?2, digest = ?3, uncertain = ?4,
           error = NULL, error_code = NULL
       FROM json_each(?5) j WHERE notifications.id = j.value ->> 0`,
    )
    .bind(sentAt, opts.mock ? 1 : 0, opts.digest ? 1 : 0, opts.uncertain ? 1 : 0, JSON.stringify(sent.map((n) => [n.id, n.handedAt])));
}

/**
 * Ads of flats the chat was told of: no new card went (a reply may have, at `at`). Only a
 * pending row becomes merged, so a late repeat never rewrites a sent one.
 */
export function markMergedStatement(d1: D1Database, merged: readonly SentNotification[], at: number) {
  return d1
    .prepare(
      `UPDATE notifications SET status = 'merged', sent_at = ?1, handed_at = j.value ->> 1
       FROM json_each(?2) j WHERE notifications.id = j.value ->> 0 AND notifications.status = 'pending'`,
    )
    .bind(at, JSON.stringify(merged.map((n) => [n.id, n.handedAt])));
}

/** Sending failed for good (last retry, or a 4xx that retrying cannot fix). */
export function markFailedStatement(d1: D1Database, ids: readonly number[], code: number | null, error: string, uncertain: boolean) {
  return d1
    .prepare(
      `UPDATE notifications SET status = 'failed', error = ?, error_code = ?, uncertain = ?
       WHERE id IN ${JSON_LIST} AND status <> 'sent'`,
    )
    .bind(error, code, uncertain ? 1 : 0, JSON.stringify(ids));
}

/**
 * Never to be sent: the user blocked the bot (Telegram's 403 and its
 * description), paused, or removed the search it matched (no code; `error`
 * says which).
 */
export function markDroppedStatement(d1: D1Database, ids: readonly number[], code: number | null, error: string) {
  return d1
    .prepare(`UPDATE notifications SET status = 'dropped', error = ?, error_code = ? WHERE id IN ${JSON_LIST} AND status <> 'sent'`)
    .bind(error, code, JSON.stringify(ids));
}
