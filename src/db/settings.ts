import { eq, inArray, sql } from "drizzle-orm";
import { type Db, asD1Statement, useDb } from "./client.ts";
import { settings } from "./schema.ts";

/**
 * The settings table: small counters shared by all isolates. The one in use
 * is the search version: every change to what the filter's search cache or
 * the cron's demand must see (a search created, changed, paused, deleted; a
 * user paused, resumed, blocked, or their language, quiet hours or digest
 * threshold changed) bumps it in the same batch as the change, and readers
 * compare it before trusting what they cached. Only src/db/users.ts and
 * src/db/saved-searches.ts write such changes, so none can forget.
 */

const SEARCH_VERSION = "search_version";
/** The search version the feeds' demand was last read at (src/cron/reconcile.ts). */
const DEMAND_VERSION = "demand_version";

/** Bumps the search version: a query for the batch of the change itself. */
export function bumpSearchVersion(db: Db) {
  return db
    .insert(settings)
    .values({ key: SEARCH_VERSION, value: 1 })
    .onConflictDoUpdate({ target: settings.key, set: { value: sql`${settings.value} + 1` } });
}

/** The same as a plain D1 statement, for batches of plain statements. */
export function bumpSearchVersionStatement(d1: D1Database): D1PreparedStatement {
  return asD1Statement(d1, bumpSearchVersion(useDb(d1)));
}

/** Reads the search version, to share a round trip with what it guards. */
export function searchVersion(db: Db) {
  return db.select({ value: settings.value }).from(settings).where(eq(settings.key, SEARCH_VERSION));
}

/**
 * Claims the right to raise one operator alert, at most once per `everyMs`
 * across every isolate: the first caller in a window gets true, the rest false.
 *
 * @param key what the alert is about, e.g. "alert:missing:APP_SECRET"
 */
export async function claimAlert(db: Db, key: string, now: number, everyMs: number): Promise<boolean> {
  const claimed = await db
    .insert(settings)
    .values({ key, value: now })
    .onConflictDoUpdate({ target: settings.key, set: { value: now }, setWhere: sql`${settings.value} <= ${now - everyMs}` })
    .returning({ key: settings.key });
  return claimed.length > 0;
}

/**
 * The search version now and the one the feeds' demand was last read at, in
 * one query: equal means no search or user changed since, and the feeds'
 * stored subscribers still hold (reading the demand reads every search).
 */
export async function demandVersions(db: Db): Promise<{ search: number; demand: number | null }> {
  const rows = await db.select({ key: settings.key, value: settings.value }).from(settings).where(inArray(settings.key, [SEARCH_VERSION, DEMAND_VERSION]));
  const value = (key: string) => rows.find((r) => r.key === key)?.value;
  return { search: value(SEARCH_VERSION) ?? 0, demand: value(DEMAND_VERSION) ?? null };
}

/** Records that the feeds' demand was read at this search version. */
export async function saveDemandVersion(db: Db, version: number): Promise<void> {
  await db.insert(settings).values({ key: DEMAND_VERSION, value: version }).onConflictDoUpdate({ target: settings.key, set: { value: version } });
}
