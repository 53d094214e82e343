import { and, eq, sql } from "drizzle-orm";
import type { FeedTarget } from "../model/feed.ts";
import type { Deal, Property, Source } from "../model/listing.ts";
import { SOURCES } from "../model/listing.ts";
import type { Db } from "./client.ts";
import { feeds, locations, savedSearches, users } from "./schema.ts";
import { searchVersion } from "./settings.ts";

/** A feed row with its city, as the cron needs it. */
export interface FeedRow {
  id: number;
  source: Source;
  deal: Deal;
  property: Property;
  cityId: number;
  active: boolean;
  subscribers: number;
  intervalS: number;
  nextDueAt: number;
  baselineAt: number | null;
  blockedUntil: number | null;
  blockAlertedAt: number | null;
  consecutiveFailures: number;
  cycle: number;
  city: FeedTarget["city"];
}

/** (source, deal, property, city) of a feed, as one string. */
export function feedKey(f: { source: Source; deal: Deal; property: Property; cityId: number }): string {
  return `${f.source}|${f.deal}|${f.property}|${f.cityId}`;
}

/** Active searches per feed (by feedKey): what the feeds must serve. */
export type Demand = Map<string, { source: Source; deal: Deal; property: Property; cityId: number; subscribers: number }>;

/** The demand as last read, and the search version it was read at (db/searches.ts). */
export interface DemandCache {
  get(version: number, now: number): Demand | null;
  set(version: number, demand: Demand, now: number): void;
}

/**
 * The feeds, and the demand the active saved searches make on them: how many
 * searches share each feed. A search for "both sources" needs one feed per
 * source; searches of paused or blocked users need nothing. The demand is read
 * again only when the search version moved (every change to searches or to a
 * user's pause/block bumps it) or the cache says it is too old: reading it
 * means reading every search and its user.
 */
export async function loadFeedsAndDemand(db: Db, cache: DemandCache, now: number) {
  const [versionRows, feedRows] = await db.batch([
    searchVersion(db),
    db
      .select({
        id: feeds.id,
        source: feeds.source,
        deal: feeds.deal,
        property: feeds.property,
        cityId: feeds.cityId,
        active: feeds.active,
        subscribers: feeds.subscribers,
        intervalS: feeds.intervalS,
        nextDueAt: feeds.nextDueAt,
        baselineAt: feeds.baselineAt,
        blockedUntil: feeds.blockedUntil,
        blockAlertedAt: feeds.blockAlertedAt,
        consecutiveFailures: feeds.consecutiveFailures,
        cycle: feeds.cycle,
        citySlug: locations.slug,
        cityName: locations.name,
        olxCityId: locations.olxCityId,
        olxRegionId: locations.olxRegionId,
        otodomPath: locations.otodomPath,
      })
      .from(feeds)
      .innerJoin(locations, eq(locations.id, feeds.cityId)),
  ]);
  const version = versionRows[0]?.value ?? 0;
  let demand = cache.get(version, now);
  if (!demand) {
    demand = toDemand(await demandQuery(db));
    cache.set(version, demand, now);
  }

  const rows: FeedRow[] = feedRows.map(({ citySlug, cityName, olxCityId, olxRegionId, otodomPath, ...f }) => ({
    ...f,
    city: { slug: citySlug, name: cityName, olxCityId, olxRegionId, otodomPath },
  }));
  return { demand, feeds: rows };
}

/** Active searches per (source, deal, property, city) of users neither paused nor blocked. */
function demandQuery(db: Db) {
  return db
    .select({
      source: savedSearches.source,
      deal: savedSearches.deal,
      property: savedSearches.property,
      cityId: savedSearches.cityId,
      n: sql<number>`count(*)`,
    })
    .from(savedSearches)
    .innerJoin(users, eq(users.id, savedSearches.userId))
    .where(and(eq(savedSearches.active, true), eq(users.paused, false), sql`${users.blockedAt} IS NULL`))
    .groupBy(savedSearches.source, savedSearches.deal, savedSearches.property, savedSearches.cityId);
}

function toDemand(demandRows: { source: Source | null; deal: Deal; property: Property; cityId: number; n: number }[]): Demand {
  const demand: Demand = new Map();
  for (const row of demandRows) {
    for (const source of row.source ? [row.source] : SOURCES) {
      const key = feedKey({ ...row, source });
      const entry = demand.get(key) ?? { source, deal: row.deal, property: row.property, cityId: row.cityId, subscribers: 0 };
      entry.subscribers += row.n;
      demand.set(key, entry);
    }
  }

  return demand;
}

/** What the cron may change of a feed: whether it is needed, by how many searches, how often. */
export type FeedChange = Pick<FeedRow, "source" | "deal" | "property" | "cityId" | "active" | "subscribers" | "intervalS">;

/** Writes only the feeds whose demand changed (one round trip, one transaction). */
export async function applyFeedChanges(db: Db, changes: readonly FeedChange[]): Promise<void> {
  if (changes.length === 0) return;
  const statements = changes.map((c) =>
    db
      .insert(feeds)
      .values({ ...c, nextDueAt: 0 })
      .onConflictDoUpdate({
        target: [feeds.source, feeds.deal, feeds.property, feeds.cityId],
        set: {
          active: c.active,
          subscribers: c.subscribers,
          intervalS: c.intervalS,
          // A feed nobody needed for a while starts over with a baseline: what it
          // lists after the pause is not news to anyone.
          baselineAt: sql`CASE WHEN ${feeds.active} = 0 THEN NULL ELSE ${feeds.baselineAt} END`,
        },
      }),
  );
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}

/** What one fetch cycle of a feed came to. */
export type FeedOutcome =
  | { kind: "ok"; durationMs: number; seen: number; fresh: number; baseline: boolean }
  | { kind: "error" | "blocked"; durationMs: number; error: string; retryAt: number; alerted: boolean };

/** Records a cycle's health on the feed row and when it is due next. */
export function feedResultStatement(db: Db, feed: FeedRow, outcome: FeedOutcome, now: number) {
  if (outcome.kind === "ok") {
    return db
      .update(feeds)
      .set({
        lastRunAt: now,
        lastSuccessAt: now,
        lastDurationMs: Math.round(outcome.durationMs),
        lastSeen: outcome.seen,
        lastNew: outcome.fresh,
        consecutiveFailures: 0,
        blockedUntil: null,
        blockAlertedAt: null,
        nextDueAt: now + feed.intervalS * 1000,
        cycle: feed.cycle + 1,
        ...(outcome.baseline ? { baselineAt: now } : {}),
      })
      .where(eq(feeds.id, feed.id));
  }
  return db
    .update(feeds)
    .set({
      lastRunAt: now,
      lastErrorAt: now,
      lastError: outcome.error.slice(0, 500),
      lastDurationMs: Math.round(outcome.durationMs),
      consecutiveFailures: feed.consecutiveFailures + 1,
      nextDueAt: outcome.retryAt,
      ...(outcome.kind === "blocked" ? { blockedUntil: outcome.retryAt } : {}),
      ...(outcome.alerted ? { blockAlertedAt: now } : {}),
    })
    .where(eq(feeds.id, feed.id));
}

/** The earliest moment any active feed may be fetched again (null: no active feed). */
export async function nextFeedDueAt(d1: D1Database): Promise<number | null> {
  const row = await d1
    .prepare(`SELECT min(max(next_due_at, coalesce(blocked_until, 0))) AS at FROM feeds WHERE active = 1`)
    .first<{ at: number | null }>();
  return row?.at ?? null;
}
