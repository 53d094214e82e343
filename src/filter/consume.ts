import { rowsOf } from "../db/json-list.ts";
import { useDb } from "../db/client.ts";
import { loadListings } from "../db/listings.ts";
import {
  type FlatHolder,
  type MatchRow,
  type PendingNotification,
  flatHoldersStatement,
  insertMatchesStatements,
  markFilteredStatement,
  pendingHandoffStatement,
} from "../db/notifications.ts";
import { priceMediansOf } from "../db/price-medians.ts";
import type { ActiveSearch } from "../db/saved-searches.ts";
import { searchVersion } from "../db/settings.ts";
import type { Delivery } from "../model/delivery.ts";
import type { Enlisted } from "../model/dispatch.ts";
import { listingTime } from "../model/listing.ts";
import { type Recipient, notifierKey } from "../model/recipient.ts";
import { compareToMedian } from "../model/price-median.ts";
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
 * cities, records each (user, listing) once, and hands each chat's matches to
 * that chat's Notifier in one RPC (the user's own, or the group a search
 * delivers to: notifierKey; chats with an ordinary match first, a burst's
 * after), enlisting them with the SendScheduler every ENLIST_WAVE chats. Each
 * card carries its price against the market (price medians). Listings in
 * `repriced` are stored ads whose price dropped: the users told of their flat
 * whose search still matches get a price update (their Notifier decides
 * whether it is worth a reply). A constant number of D1 round trips whatever
 * the batch size: listings + search version + medians (1), searches when the
 * cache is cold (0 or 1), matches written + pending read (+ who had the
 * repriced flats) (1), listings marked filtered (1).
 * Idempotent: a redelivered batch records nothing twice and hands over again
 * only what nobody has sent yet (the outboxes ignore ids they hold; a repeated
 * price update finds its price told already).
 */
export async function filterListings(listingIds: readonly number[], deps: FilterDeps, repriced: readonly number[] = []): Promise<FilterResult> {
  const started = deps.clock();
  const { d1 } = deps;

  const db = useDb(d1);
  const [listings, versionRows, medians] = await db.batch([loadListings(db, listingIds), searchVersion(db), priceMediansOf(db, { listingIds })]);
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
  /** "user|listing" → the search that names the match. */
  const namedBy = new Map<string, ActiveSearch>();
  const searchById = new Map(searches.map((s) => [s.id, s]));
  for (const [listing, found] of matched) {
    for (const criteria of found) {
      const search = searchById.get(criteria.id);
      // Two searches of one user notify once; the first one names the match.
      const pair = `${criteria.userId}|${listing.id}`;
      if (!search || namedBy.has(pair)) continue;
      namedBy.set(pair, search);
      rows.push([search.userId, listing.id, search.id]);
    }
  }

  // Matches an earlier try recorded but could not hand over, then this batch's new ones (and who had the repriced flats).
  const matchedAt = deps.clock();
  const reads = await d1.batch([
    ...(repriced.length ? [flatHoldersStatement(d1, repriced)] : []),
    pendingHandoffStatement(d1, listingIds),
    ...insertMatchesStatements(d1, rows, matchedAt),
  ]);
  const holders = repriced.length ? rowsOf<FlatHolder>(reads.shift() as D1Result<unknown>) : [];
  const pending = reads.flatMap((result) => rowsOf<PendingNotification>(result));

  const byId = new Map(listings.map((l) => [l.id, l]));
  const fanout = new Map<number, number>();
  for (const n of pending) fanout.set(n.listingId, (fanout.get(n.listingId) ?? 0) + 1);
  const marketOf = new Map(located.map((l) => [l.id, compareToMedian(l, medians)]));
  const deliveryOf = (listingId: number, search: ActiveSearch, note: Pick<Delivery, "notificationId" | "searchId" | "matchedAt">): Delivery | null => {
    const listing = byId.get(listingId);
    if (!listing) return null;
    const { cityId: _city, filteredAt: _filtered, ...card } = listing;
    return { ...note, searchName: search.name, fanout: fanout.get(listingId) ?? 1, listing: card, market: marketOf.get(listingId) ?? null };
  };

  // Each chat's deliveries: the chat its search delivers to. A match whose search is gone from the
  // cache (deleted or paused since, its user paused or blocked the bot) stays pending: it is not wanted.
  const chats = new Map<number, { recipient: Recipient; deliveries: Delivery[] }>();
  const toChat = (recipient: Recipient, delivery: Delivery | null) => {
    if (!delivery) return;
    const key = notifierKey(recipient);
    const chat = chats.get(key);
    if (chat) chat.deliveries.push(delivery);
    else chats.set(key, { recipient, deliveries: [delivery] });
  };
  for (const n of pending) {
    const search = n.searchId === null ? undefined : searchById.get(n.searchId);
    if (search) toChat(search.recipient, deliveryOf(n.listingId, search, { notificationId: n.id, searchId: n.searchId, matchedAt: n.matchedAt }));
  }
  // The notificationId is the Notifier's to give (0 here): a price update has no row of its own.
  for (const { userId, listingId } of holders) {
    const search = namedBy.get(`${userId}|${listingId}`);
    if (!search) continue;
    const update = deliveryOf(listingId, search, { notificationId: 0, searchId: search.id, matchedAt });
    toChat(search.recipient, update && { ...update, fanout: 1, priceUpdate: true });
  }

  const handed: number[] = [];
  let failedUsers = 0;
  // Chats with an ordinary match first: a burst's fan-out is handed over after them (durable/send-line.ts).
  const smallest = (ds: readonly Delivery[]) => Math.min(...ds.map((d) => d.fanout));
  const ordered = [...chats].sort(([, a], [, b]) => smallest(a.deliveries) - smallest(b.deliveries));
  /** One chat's matches into its outbox; what the scheduler needs to know, or null. */
  const handOver = async (key: number, { recipient, deliveries }: { recipient: Recipient; deliveries: Delivery[] }): Promise<Enlisted | null> => {
    try {
      const { next } = await deps.notifier.getByName(String(key)).deliver(recipient, deliveries);
      handed.push(...deliveries.filter((d) => !d.priceUpdate).map((d) => d.notificationId));
      return next ? { userId: key, ...next } : null;
    } catch (error) {
      failedUsers++;
      log.error("handoff_failed", { user: recipient.userId, chat: key, notifications: deliveries.length, error: errorMessage(error) });
      return null;
    }
  };
  for (let wave = 0; wave < ordered.length; wave += ENLIST_WAVE) {
    const handedOver = await mapBounded(ordered.slice(wave, wave + ENLIST_WAVE), HANDOFF_CONCURRENCY, ([key, chat]) => handOver(key, chat));
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
