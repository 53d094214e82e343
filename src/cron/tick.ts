import { type FeedChange, type FeedRow, applyFeedChanges, feedKey, loadFeedsAndDemand } from "../db/feeds.ts";
import { findUnqueued } from "../db/listings.ts";
import { errorMessage, log } from "../lib/log.ts";
import { mapBounded } from "../lib/pool.ts";
import { enqueueListings } from "./enqueue.ts";
import { type FeedRunDeps, type FeedRunResult, runFeed } from "./run-feed.ts";
import { dueFeeds, feedInterval } from "./schedule.ts";

/** Workers allow 6 simultaneous outbound connections per invocation. */
export const FETCH_CONCURRENCY = 6;
/** Feeds fetched per tick at most; the rest wait for the next tick (subrequest budget). */
export const MAX_FEEDS_PER_TICK = 40;
/** A listing saved this long ago and still not queued was lost on the way: re-send it. */
export const SWEEP_GRACE_MS = 30_000;
const SWEEP_LIMIT = 500;

export interface TickResult {
  fetched: number;
  queued: number;
  swept: number;
}

/**
 * One parser tick: bring the feeds in line with the saved searches, fetch the
 * due ones (bounded concurrency), then sweep listings that were saved but never
 * queued.
 */
export async function runTick(deps: FeedRunDeps): Promise<TickResult> {
  const now = deps.clock();
  const feeds = await syncFeeds(deps, now);
  const due = dueFeeds(feeds, now).slice(0, MAX_FEEDS_PER_TICK);

  const results = await mapBounded(due, FETCH_CONCURRENCY, (feed) => runFeed(feed, deps));
  let queued = 0;
  results.forEach((r: PromiseSettledResult<FeedRunResult>, i) => {
    if (r.status === "fulfilled") queued += r.value.queued.length;
    else log.error("feed_run_crashed", { feed: due[i]?.id, error: errorMessage(r.reason) });
  });

  const swept = await sweep(deps);
  return { fetched: due.length, queued, swept };
}

/** Creates feeds new searches need, retires the ones nobody needs; returns the active ones. */
async function syncFeeds(deps: FeedRunDeps, now: number): Promise<FeedRow[]> {
  const { demand, feeds } = await loadFeedsAndDemand(deps.db, deps.demand, now);
  const byKey = new Map(feeds.map((f) => [feedKey(f), f]));
  const changes: FeedChange[] = [];

  for (const [key, want] of demand) {
    const have = byKey.get(key);
    const intervalS = feedInterval(want.subscribers, deps.baseIntervalS);
    if (!have || !have.active || have.subscribers !== want.subscribers || have.intervalS !== intervalS) {
      changes.push({ ...want, active: true, intervalS });
    }
  }
  for (const [key, have] of byKey) {
    if (have.active && !demand.has(key)) {
      const { source, deal, property, cityId, intervalS } = have;
      changes.push({ source, deal, property, cityId, intervalS, active: false, subscribers: 0 });
    }
  }
  if (changes.length === 0) return feeds.filter((f) => f.active);

  await applyFeedChanges(deps.db, changes);
  log.info("feeds_synced", { changed: changes.length, at: now });
  // Re-read so new feeds carry their ids and city.
  return (await loadFeedsAndDemand(deps.db, deps.demand, now)).feeds.filter((f) => f.active);
}

async function sweep(deps: FeedRunDeps): Promise<number> {
  const lost = await findUnqueued(deps.db.$client, deps.clock() - SWEEP_GRACE_MS, SWEEP_LIMIT);
  if (lost.length === 0) return 0;
  const byFeed = Map.groupBy(lost, (l) => l.feed_id);
  for (const [feedId, rows] of byFeed) {
    await enqueueListings(
      deps.queue,
      deps.db.$client,
      feedId,
      rows.map((r) => r.id),
      deps.clock(),
    );
  }
  log.warn("sweep_requeued", { listings: lost.length });
  return lost.length;
}
