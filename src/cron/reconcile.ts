import { useDb } from "../db/client.ts";
import { type Demand, type FeedChange, type FeedRow, applyFeedChanges, loadDemand, loadFeeds, saveFeedStats } from "../db/feeds.ts";
import { demandVersions, saveDemandVersion } from "../db/settings.ts";
import { findUnqueued } from "../db/listings.ts";
import { config } from "../lib/config.ts";
import { errorMessage, log } from "../lib/log.ts";
import { mapBounded } from "../lib/pool.ts";
import { type FeedTarget, type PollerStats, feedKey } from "../model/feed.ts";
import { SOURCES, type Source } from "../model/listing.ts";
import { adapters, fetcherChain } from "../sources/index.ts";
import { enqueueListings } from "./enqueue.ts";
import { shareBudget } from "./schedule.ts";

/** A listing saved this long ago and still not queued was lost on the way: re-send it. */
export const SWEEP_GRACE_MS = 30_000;
const SWEEP_LIMIT = 500;
/** Poller RPCs in flight at once. */
const POLLER_CONCURRENCY = 6;

export interface ReconcileResult {
  feeds: number;
  started: number;
  stopped: number;
  swept: number;
  /** Pollers that could not be reached (configured again next minute). */
  failed: number;
}

const targetOf = (f: Pick<FeedRow, "source" | "deal" | "property">): FeedTarget => ({ source: f.source, deal: f.deal, property: f.property, region: null });

/** Each site's requests per minute, from OLX_REQUESTS_PER_MIN and OTODOM_REQUESTS_PER_MIN. */
function budgets(env: Env): Record<Source, number> {
  const c = config(env);
  return { olx: c.olxRequestsPerMin, otodom: c.otodomRequestsPerMin };
}

/**
 * The cron's once-a-minute work: bring the national feeds in line with the
 * saved searches (one per site x deal x property anybody wants and the site
 * serves), share each site's budget among its feeds by demand, tell every
 * wanted feed's poller its share (which starts it, or revives it), stop the
 * pollers of feeds nobody wants, copy the pollers' figures to D1 for /admin,
 * and re-queue listings that were saved but never reached the queue.
 */
export async function reconcile(env: Env, now: number): Promise<ReconcileResult> {
  const db = useDb(env.DB);
  const [versions, existing] = await Promise.all([demandVersions(db), loadFeeds(db)]);
  // Reading the demand reads every saved search: only when one (or a user) changed since the last read.
  const fresh = versions.demand !== versions.search;
  const demand: Demand[] = fresh ? await loadDemand(db) : existing.filter((f) => f.active);
  const wanted = demand.filter((d) => d.subscribers > 0 && adapters[d.source].supports(d));
  const budget = budgets(env);
  const shares = new Map<string, number>();
  for (const source of SOURCES) {
    const ofSite = wanted.filter((d) => d.source === source).map((d) => ({ key: feedKey(targetOf(d)), subscribers: d.subscribers }));
    for (const [key, share] of shareBudget(budget[source], ofSite)) shares.set(key, share);
  }

  const byKey = new Map(existing.map((f) => [feedKey(targetOf(f)), f]));
  const changes: FeedChange[] = [];
  for (const d of wanted) {
    const key = feedKey(targetOf(d));
    const have = byKey.get(key);
    const sharePerMin = Math.round((shares.get(key) ?? 0) * 100) / 100;
    if (!have || !have.active || have.subscribers !== d.subscribers || have.sharePerMin !== sharePerMin) {
      changes.push({ ...d, scope: "pl", active: true, sharePerMin });
    }
  }
  const wantedKeys = new Set(wanted.map((d) => feedKey(targetOf(d))));
  const retired = existing.filter((f) => f.active && !wantedKeys.has(feedKey(targetOf(f))));
  for (const f of retired) changes.push({ source: f.source, deal: f.deal, property: f.property, scope: f.scope, active: false, subscribers: 0, sharePerMin: 0 });

  const changed = await applyFeedChanges(db, changes, now);
  if (fresh) await saveDemandVersion(db, versions.search);
  for (const f of changed) byKey.set(feedKey(targetOf(f)), f);
  const active = [...byKey.values()].filter((f) => f.active);
  if (changes.length) log.info("feeds_reconciled", { changed: changes.length, active: active.length, retired: retired.length });

  const chains = { olx: fetcherChain(env, "olx"), otodom: fetcherChain(env, "otodom") };
  let failed = 0;
  const stats: { id: number; stats: PollerStats }[] = [];
  const call = async (feed: FeedRow, stop: boolean) => {
    const stub = env.FEED_POLLER.getByName(feedKey(targetOf(feed)));
    try {
      const figures = stop ? await stub.stop() : await stub.configure({ feedId: feed.id, feed: targetOf(feed), sharePerMin: feed.sharePerMin, fetchers: chains[feed.source] });
      stats.push({ id: feed.id, stats: figures });
    } catch (error) {
      failed++;
      log.error("poller_unreachable", { feed: feed.id, stop, error: errorMessage(error) });
    }
  };
  await mapBounded(active, POLLER_CONCURRENCY, (f) => call(f, false));
  await mapBounded(retired, POLLER_CONCURRENCY, (f) => call(f, true));
  await saveFeedStats(db, stats, now);

  const swept = await sweep(env, now);
  return { feeds: active.length, started: changed.filter((f) => f.active).length, stopped: retired.length, swept, failed };
}

/** Saved, meant to be sent, never queued (a queue send failed or a poller crashed between the two): queued now. */
async function sweep(env: Env, now: number): Promise<number> {
  const lost = await findUnqueued(env.DB, now - SWEEP_GRACE_MS, SWEEP_LIMIT);
  if (lost.length === 0) return 0;
  for (const [feedId, rows] of Map.groupBy(lost, (l) => l.feed_id)) {
    await enqueueListings(env.NEW_LISTINGS, env.DB, feedId, rows.map((r) => r.id), now);
  }
  log.warn("sweep_requeued", { listings: lost.length });
  return lost.length;
}
