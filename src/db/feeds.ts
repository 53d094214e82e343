import { and, eq, sql } from "drizzle-orm";
import type { Deal, Property, Source } from "../model/listing.ts";
import { SOURCES } from "../model/listing.ts";
import type { Db } from "./client.ts";
import { feeds, savedSearches, users } from "./schema.ts";

/**
 * The feeds table: the registry of what is polled. The cron's reconciler
 * keeps it in line with the saved searches and copies each poller's figures
 * into it once a minute; the pollers themselves never write it, so a poll
 * that finds nothing costs no D1 write.
 */

export type FeedRow = typeof feeds.$inferSelect;

/** Active searches per (source, deal, property): what the national feeds must serve. */
export interface Demand {
  source: Source;
  deal: Deal;
  property: Property;
  subscribers: number;
}

/**
 * Active searches of users neither paused nor blocked, per source, deal and
 * property: a search of both sources counts for each. One grouped query,
 * whatever the number of searches.
 */
export async function loadDemand(db: Db): Promise<Demand[]> {
  const rows = await db
    .select({ source: savedSearches.source, deal: savedSearches.deal, property: savedSearches.property, n: sql<number>`count(*)` })
    .from(savedSearches)
    .innerJoin(users, eq(users.id, savedSearches.userId))
    .where(and(eq(savedSearches.active, true), eq(users.paused, false), sql`${users.blockedAt} IS NULL`))
    .groupBy(savedSearches.source, savedSearches.deal, savedSearches.property);
  const demand = new Map<string, Demand>();
  for (const row of rows) {
    for (const source of row.source ? [row.source] : SOURCES) {
      const key = `${source}|${row.deal}|${row.property}`;
      const entry = demand.get(key) ?? { source, deal: row.deal, property: row.property, subscribers: 0 };
      entry.subscribers += row.n;
      demand.set(key, entry);
    }
  }
  return [...demand.values()];
}

/** Every feed, active or not (a handful of rows). */
export function loadFeeds(db: Db): Promise<FeedRow[]> {
  return db.select().from(feeds);
}

/** What the reconciler decides for one feed. */
export type FeedChange = Pick<FeedRow, "source" | "deal" | "property" | "scope" | "active" | "subscribers" | "sharePerMin">;

/** Writes the feeds whose demand or share changed (one round trip); @returns them with their ids */
export async function applyFeedChanges(db: Db, changes: readonly FeedChange[], now: number): Promise<FeedRow[]> {
  const statements = changes.map((c) =>
    db
      .insert(feeds)
      .values({ ...c, createdAt: now })
      .onConflictDoUpdate({
        target: [feeds.source, feeds.deal, feeds.property, feeds.scope],
        set: { active: c.active, subscribers: c.subscribers, sharePerMin: c.sharePerMin },
      })
      .returning(),
  );
  const [first, ...rest] = statements;
  if (!first) return [];
  return (await db.batch([first, ...rest])).flat();
}

/** Copies pollers' figures onto their feeds (one round trip). */
export async function saveFeedStats(db: Db, stats: readonly { id: number; stats: unknown }[], now: number): Promise<void> {
  const [first, ...rest] = stats.map((s) => db.update(feeds).set({ stats: s.stats, statsAt: now }).where(eq(feeds.id, s.id)));
  if (first) await db.batch([first, ...rest]);
}
