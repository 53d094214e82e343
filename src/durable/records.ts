import { JSON_LIST as IDS } from "../db/json-list.ts";

/**
 * The Notifier's writes to D1: one statement per outcome, whatever the number
 * of notifications it covers (the ids travel as one JSON parameter).
 */

/** Telegram accepted (or mock mode recorded) the message holding these notifications. */
export function markSentStatement(d1: D1Database, ids: readonly number[], sentAt: number, opts: { mock: boolean; digest: boolean }) {
  return d1
    .prepare(
      `UPDATE notifications
       SET status = 'sent', sent_at = ?, mock = ?, digest = ?, error = NULL, error_code = NULL
       WHERE id IN ${IDS}`,
    )
    .bind(sentAt, opts.mock ? 1 : 0, opts.digest ? 1 : 0, JSON.stringify(ids));
}

/** Sending failed for good (last retry, or a 4xx that retrying cannot fix). */
export function markFailedStatement(d1: D1Database, ids: readonly number[], code: number | null, error: string) {
  return d1
    .prepare(`UPDATE notifications SET status = 'failed', error = ?, error_code = ? WHERE id IN ${IDS} AND status <> 'sent'`)
    .bind(error, code, JSON.stringify(ids));
}

/**
 * Never to be sent: the user blocked the bot (Telegram's 403 and its
 * description), paused, or removed the search it matched (no code; `error`
 * says which).
 */
export function markDroppedStatement(d1: D1Database, ids: readonly number[], code: number | null, error: string) {
  return d1
    .prepare(`UPDATE notifications SET status = 'dropped', error = ?, error_code = ? WHERE id IN ${IDS} AND status <> 'sent'`)
    .bind(error, code, JSON.stringify(ids));
}

/** Telegram answered 403: the filter skips blocked users until they come back (/start clears it). */
export function markUserBlockedStatement(d1: D1Database, userId: number, at: number) {
  return d1.prepare(`UPDATE users SET blocked_at = ? WHERE id = ? AND blocked_at IS NULL`).bind(at, userId);
}
