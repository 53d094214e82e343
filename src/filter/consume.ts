import { rowsOf } from "../db/json-list.ts";
import { useDb } from "../db/client.ts";
import { loadListings } from "../db/listings.ts";
import {
  type MatchRow,
  type PendingNotification,
  insertMatchesStatements,
  markFilteredStatement,
  pendingHandoffStatement,
} from "../db/notifications.ts";
import type { ActiveSearch } from "../db/saved-searches.ts";
import { searchVersion } from "../db/settings.ts";
import type { Delivery } from "../model/delivery.ts";
import type { Enlisted } from "../model/dispatch.ts";
import { listingTime } from "../model/listing.ts";
import type { Recipient } from "../model/recipient.ts";
import { errorMessage, log } from "../lib/log.ts";
import { recordMetric } from "../lib/metrics.ts";
import { mapBounded } from "../lib/pool.ts";
import { NO_CENTROIDS } from "../model/location.ts";
import { matchBatch } from "./match.ts";
import type { SearchCache } from "./search-cache.ts";

/** Notifier RPCs in flight at once during a hand-over (a burst can reach thousands of users). */
const HANDOFF_CONCURRENCY = 50;
/**
 * Users handed over before they are enlisted with the scheduler together:
 * a 2 000-user burst takes seconds to hand over, and its first users (and
 * every ordinary match of the batch, handed over first) should not wait for
 * its last.
 */
export const ENLIST_WAVE = 200;

export interface FilterDeps {
  d1: D1Database;
  notifier: Env["NOTIFIER"];
  /** Tells the bot's SendScheduler who has messages waiting (durable/dispatch.ts's enlist). */
  enlist: (entries: readonly Enlisted[]) => Promise<void>;
  cache: SearchCache;
  metrics?: AnalyticsEngineDataset;
  clock: () => number;
}

export interface FilterResult {
  listings: number;
  matches: number;
  handedOver: number;
  /** Users whose Notifier could not be reached: the batch must be retried. */
  failedUsers: number;
}

/**
 * Matches one queue batch of new listings against the saved searches of their
 * cities, records each (user, listing) once, and hands each user's matches to
 * that user's Notifier in one RPC (users with an ordinary match first, a
 * burst's after), enlisting them with the SendScheduler every ENLIST_WAVE
 * users. A constant number of D1 round trips whatever the
 * batch size: listings + search version (1), searches when the cache is cold
 * (0 or 1), matches written + pending read (1), listings marked filtered (1).
 * Idempotent: a redelivered batch records nothing twice and hands over again
 * only what nobody has sent yet (the outboxes ignore ids they hold).
 */
export async function filterListings(listingIds: readonly number[], deps: FilterDeps): Promise<FilterResult> {
  const started = deps.clock();
  const { d1 } = deps;

  const db = useDb(d1);
  const [listings, versionRows] = await db.batch([loadListings(db, listingIds), searchVersion(db)]);
  const version = versionRows[0]?.value ?? 0;
  if (listings.length === 0) return { listings: 0, matches: 0, handedOver: 0, failedUsers: 0 };

  // A listing from a town we do not know is kept and counted, and matches nothing.
  const located = listings.flatMap((l) => (l.cityId === null ? [] : [{ ...l, cityId: l.cityId }]));
  if (located.length < listings.length) {
    recordMetric(deps.metrics, { stage: "filter", outcome: "unknown_city", count: listings.length - located.length });
  }
  const cityIds = [...new Set(located.map((l) => l.cityId))];
  const { searches, centroids } = cityIds.length
    ? await deps.cache.get(d1, cityIds, version, started)
    : { searches: [], centroids: NO_CENTROIDS };

  const matched = matchBatch(located, searches, centroids);
  const rows: MatchRow[] = [];
  const searchById = new Map(searches.map((s) => [s.id, s]));
  for (const [listing, found] of matched) {
    const seenUsers = new Set<number>();
    for (const search of found) {
      // Two searches of one user notify once; the first one names the match.
      if (seenUsers.has(search.userId)) continue;
      seenUsers.add(search.userId);
      rows.push([search.userId, listing.id, search.id]);
    }
  }

  // Matches an earlier try recorded but could not hand over, then this batch's new ones.
  const matchedAt = deps.clock();
  const pending = (
    await d1.batch([pendingHandoffStatement(d1, listingIds), ...insertMatchesStatements(d1, rows, matchedAt)])
  ).flatMap((result) => rowsOf<PendingNotification>(result));

  const byId = new Map(listings.map((l) => [l.id, l]));
  const byUser = Map.groupBy(pending, (n) => n.userId);
  const fanout = new Map<number, number>();
  for (const n of pending) fanout.set(n.listingId, (fanout.get(n.listingId) ?? 0) + 1);
  const handed: number[] = [];
  let failedUsers = 0;
  // Users with an ordinary match first: a burst's fan-out is handed over after them (durable/send-line.ts).
  const smallest = (notes: readonly PendingNotification[]) => Math.min(...notes.map((n) => fanout.get(n.listingId) ?? 1));
  const users = [...byUser].sort(([, a], [, b]) => smallest(a) - smallest(b));
  /** One user's matches into their outbox; what the scheduler needs to know, or null. */
  const handOver = async (userId: number, notes: readonly PendingNotification[]): Promise<Enlisted | null> => {
    const deliveries: Delivery[] = [];
    let recipient: Recipient | null = null;
    for (const n of notes) {
      const listing = byId.get(n.listingId);
      const search = n.searchId === null ? undefined : searchById.get(n.searchId);
      if (!listing) continue;
      recipient ??= search?.recipient ?? null;
      const { cityId: _city, filteredAt: _filtered, ...card } = listing;
      deliveries.push({
        notificationId: n.id,
        searchId: n.searchId,
        searchName: search?.name ?? "",
        matchedAt: n.matchedAt,
        fanout: fanout.get(n.listingId) ?? 1,
        listing: card,
      });
    }
    // The user paused, deleted the search or blocked the bot since the match: leave it pending.
    if (!recipient || deliveries.length === 0) return null;
    try {
      const { next } = await deps.notifier.getByName(String(userId)).deliver(recipient, deliveries);
      handed.push(...deliveries.map((d) => d.notificationId));
      return next ? { userId, ...next } : null;
    } catch (error) {
      failedUsers++;
      log.error("handoff_failed", { user: userId, notifications: deliveries.length, error: errorMessage(error) });
      return null;
    }
  };
  for (let wave = 0; wave < users.length; wave += ENLIST_WAVE) {
    const handedOver = await mapBounded(users.slice(wave, wave + ENLIST_WAVE), HANDOFF_CONCURRENCY, ([userId, notes]) => handOver(userId, notes));
    const waiting = handedOver.flatMap((r) => (r.status === "fulfilled" && r.value ? [r.value] : []));
    try {
      await deps.enlist(waiting);
    } catch (error) {
      // Handed over but nobody will start the sends: the batch is retried, and enlists again.
      failedUsers += waiting.length;
      log.error("enlist_failed", { users: waiting.length, error: errorMessage(error) });
    }
  }
  // Analytics Engine takes 250 points per invocation: one per batch, not per user.
  recordMetric(deps.metrics, {
    stage: "handoff",
    outcome: failedUsers ? "partial" : "ok",
    durationMs: deps.clock() - matchedAt,
    count: handed.length,
  });

  const now = deps.clock();
  await markFilteredStatement(d1, listingIds, matchedAt).run();

  // First time through only (not on a redelivery), one point per source and city.
  const firstTime = listings.filter((l) => l.filteredAt === null);
  for (const group of Map.groupBy(firstTime, (l) => `${l.source}|${l.city ?? ""}`).values()) {
    const sample = group[0];
    if (!sample) continue;
    const oldest = Math.min(...group.map(listingTime));
    recordMetric(deps.metrics, {
      stage: "filter",
      source: sample.source,
      city: sample.city,
      durationMs: matchedAt - started,
      count: group.length,
      e2eMs: matchedAt - oldest,
    });
  }
  log.info("filter_batch", {
    listings: listings.length,
    matches: rows.length,
    handed: handed.length,
    failedUsers,
    ms: now - started,
  });
  return { listings: listings.length, matches: rows.length, handedOver: handed.length, failedUsers };
}
