import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { jsonList } from "../db/json-list.ts";

/**
 * The Notifier's writes to D1: one statement per outcome, whatever the number
 * of notifications it covers (the ids travel as one JSON parameter).
 */

/** Telegram accepted (or mock mode recorded) the message holding these notifications. */
export function markSentStatement(db: Db, ids: readonly number[], sentAt: number, opts: { mock: boolean; digest: boolean }) {
  return db.run(sql`
    UPDATE notifications
    SET status = 'sent', sent_at = ${sentAt}, mock = ${opts.mock ? 1 : 0}, digest = ${opts.digest ? 1 : 0},
        error = NULL, error_code = NULL
    WHERE id IN ${jsonList(ids)}`);
}

/** Sending failed for good (last retry, or a 4xx that retrying cannot fix). */
export function markFailedStatement(db: Db, ids: readonly number[], code: number | null, error: string) {
  return db.run(sql`
    UPDATE notifications SET status = 'failed', error = ${error}, error_code = ${code}
    WHERE id IN ${jsonList(ids)} AND status <> 'sent'`);
}

/** Never to be sent: the user blocked the bot. */
export function markDroppedStatement(db: Db, ids: readonly number[], code: number, error: string) {
  return db.run(sql`
    UPDATE notifications SET status = 'dropped', error = ${error}, error_code = ${code}
    WHERE id IN ${jsonList(ids)} AND status <> 'sent'`);
}

/** Telegram answered 403: the filter skips blocked users until they come back (/start clears it). */
export function markUserBlockedStatement(db: Db, userId: number, at: number) {
  return db.run(sql`UPDATE users SET blocked_at = ${at} WHERE id = ${userId} AND blocked_at IS NULL`);
}
