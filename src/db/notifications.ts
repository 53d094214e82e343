import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { jsonList } from "./json-list.ts";

/** One match to record: [userId, listingId, searchId]. */
export type MatchRow = readonly [userId: number, listingId: number, searchId: number];

/** Rows per statement: keeps the one JSON parameter far below D1's 2 MB value limit. */
const ROWS_PER_STATEMENT = 5_000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface PendingNotification {
  id: number;
  user_id: number;
  listing_id: number;
  search_id: number | null;
  matched_at: number;
}

/**
 * Records matches once: (user, listing) is unique, so a redelivered batch or a
 * second search adds nothing. Returns only the rows it inserted.
 */
export function insertMatchesStatements(db: Db, matches: readonly MatchRow[], now: number) {
  return chunks(matches, ROWS_PER_STATEMENT).map((chunk) =>
    db.all<PendingNotification>(sql`
      INSERT INTO notifications (user_id, listing_id, search_id, matched_at, status)
      SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, ${now}, 'pending'
      FROM json_each(${JSON.stringify(chunk)}) j WHERE true
      ON CONFLICT (user_id, listing_id) DO NOTHING
      RETURNING id, user_id, listing_id, search_id, matched_at`),
  );
}

/** Matches of these listings not yet handed to a Notifier: this batch's and any an earlier try left behind. */
export function pendingHandoffStatement(db: Db, listingIds: readonly number[]) {
  return db.all<PendingNotification>(sql`
    SELECT id, user_id, listing_id, search_id, matched_at FROM notifications
    WHERE listing_id IN ${jsonList(listingIds)} AND handed_at IS NULL`);
}

/** Marks notifications as in their user's outbox. */
export function markHandedStatements(db: Db, ids: readonly number[], now: number) {
  return chunks(ids, ROWS_PER_STATEMENT * 2).map((chunk) =>
    db.run(sql`
      UPDATE notifications
      SET handed_at = ${now}, status = CASE WHEN status = 'pending' THEN 'queued' ELSE status END
      WHERE id IN ${jsonList(chunk)}`),
  );
}

export function markFilteredStatement(db: Db, listingIds: readonly number[], now: number) {
  return db.run(sql`UPDATE listings SET filtered_at = ${now} WHERE id IN ${jsonList(listingIds)} AND filtered_at IS NULL`);
}
