import { FLOW_TTL_MS } from "./bot-flows.ts";

/**
 * Deletes what the tables that grow with traffic no longer need, each in
 * bounded steps (at most `limit` rows per table per call: one prune never
 * holds D1 long; a backlog goes over the next runs):
 *
 * - rate_limits: windows that ended over an hour ago (the longest window is 10 minutes);
 *   the bot writes one per sender, registered or not.
 * - bot_flows: flows untouched for FLOW_TTL_MS, which the bot already treats as gone.
 * - used_login_links: links past their expiry, which fail verification anyway.
 * - notifications: finished ones (sent, failed, dropped) matched over NOTIFICATION_RETENTION_MS
 *   ago; /admin reads a day of them, /stats a week. Listings stay, so an old listing is
 *   never queued again and its notification never needed for "once".
 */
export const NOTIFICATION_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const RATE_WINDOW_RETENTION_MS = 60 * 60 * 1000;

export type PruneCounts = Record<"rateLimits" | "botFlows" | "usedLoginLinks" | "notifications", number>;

/** @returns the rows deleted from each table */
export async function pruneTables(d1: D1Database, now: number, limit: number): Promise<PruneCounts> {
  // Each by its index (migration 0010), notifications by rowid, which is the order they were matched in:
  // the scan meets the oldest first and stops at the LIMIT, which bounds the delete.
  const bounded = (table: string, where: string) => `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT ?2)`;
  const [rateLimits, botFlows, usedLoginLinks, notifications] = await d1.batch([
    d1.prepare(bounded("rate_limits", "window_start < ?1")).bind(now - RATE_WINDOW_RETENTION_MS, limit),
    d1.prepare(bounded("bot_flows", "updated_at < ?1")).bind(now - FLOW_TTL_MS, limit),
    d1.prepare(bounded("used_login_links", "expires_at < ?1")).bind(now, limit),
    d1.prepare(bounded("notifications", "matched_at < ?1 AND status IN ('sent', 'failed', 'dropped')")).bind(now - NOTIFICATION_RETENTION_MS, limit),
  ]);
  const changes = (r: D1Result | undefined) => r?.meta.changes ?? 0;
  return { rateLimits: changes(rateLimits), botFlows: changes(botFlows), usedLoginLinks: changes(usedLoginLinks), notifications: changes(notifications) };
}
