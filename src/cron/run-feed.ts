import { asD1Statement, type Db } from "../db/client.ts";
import { type DemandCache, type FeedOutcome, type FeedRow, feedResultStatement } from "../db/feeds.ts";
import { type ListingInput, retireStatement, upsertListings } from "../db/listings.ts";
import { dedupKey, PageError, type PageFetcher, readSearchPage } from "../sources/index.ts";
import type { Source } from "../model/listing.ts";
import { errorMessage, log } from "../lib/log.ts";
import { recordMetric } from "../lib/metrics.ts";
import { enqueueListings } from "./enqueue.ts";
import { blockDelayS, retryDelayS } from "./schedule.ts";

/** Pages read per cycle at most: enough to catch up after a pause, bounded for the subrequest limit. */
export const MAX_PAGES = 3;
/** Cycles a listing may go unseen on the pages we read before it becomes inactive. */
export const STALE_CYCLES = 5;
/**
 * A listing still shown is rewritten at most this often (or when it changed):
 * its last_seen_cycle lags by up to this much, so it is retired once unseen
 * for more than STALE_CYCLES and at most STALE_CYCLES + REFRESH_CYCLES cycles.
 */
export const REFRESH_CYCLES = 10;

export interface FeedRunDeps {
  db: Db;
  queue: Queue;
  fetcher: PageFetcher;
  baseUrl: Record<Source, string>;
  /** FEED_INTERVAL_S: a lone feed's interval. */
  baseIntervalS: number;
  metrics?: AnalyticsEngineDataset;
  /** Tells the operator (admin chat); must not throw. */
  alert: (text: string) => Promise<void>;
  clock: () => number;
  /** The feeds' demand between ticks (cron/demand-cache.ts). */
  demand: DemandCache;
}

export interface FeedRunResult {
  outcome: FeedOutcome;
  /** Ids of the new listings sent to the queue. */
  queued: number[];
}

/**
 * One cycle of one feed: read its newest pages, store every listing, and queue
 * the new ones page by page (the first page's reach the filter while the
 * second is still downloading). The first successful cycle is the baseline:
 * stored, never sent. Never throws: a failure is an outcome on the feed row.
 */
export async function runFeed(feed: FeedRow, deps: FeedRunDeps): Promise<FeedRunResult> {
  const started = deps.clock();
  const baseline = feed.baselineAt === null;
  const cycle = feed.cycle + 1;
  const queued: number[] = [];
  let seen = 0;
  let pagesRead = 0;
  let outcome: FeedOutcome;

  try {
    for (let page = 1; page <= MAX_PAGES; page++) {
      const pageStarted = deps.clock();
      let parsed;
      try {
        parsed = await readSearchPage(deps.fetcher, feed, deps.baseUrl[feed.source], page);
      } catch (error) {
        // Page 1 failing fails the cycle; a later page failing only ends it early.
        if (pagesRead === 0) throw error;
        log.warn("feed_page_failed", { feed: feed.id, page, error: errorMessage(error) });
        break;
      }
      pagesRead++;
      reportIssues(feed, page, parsed, deps.metrics);

      const now = deps.clock();
      const inputs: ListingInput[] = parsed.listings.map((l) => ({
        ...l,
        // The feed's query fixes deal and property when the page does not say.
        deal: l.deal ?? feed.deal,
        property: l.property ?? feed.property,
        dedupKey: dedupKey(l),
      }));
      const upserted = inputs.length
        ? await upsertListings(deps.db.$client, inputs, { feedId: feed.id, cycle, now, notify: !baseline, refreshCycles: REFRESH_CYCLES })
        : [];
      const fresh = upserted.filter((u) => u.fresh).map((u) => u.id);
      try {
        await enqueueListings(deps.queue, deps.db.$client, feed.id, fresh, deps.clock());
        queued.push(...fresh);
        if (fresh.length) {
          // parse -> queued: from the page's request to its new listings on the queue.
          recordMetric(deps.metrics, { stage: "enqueue", source: feed.source, city: feed.city.slug, durationMs: deps.clock() - pageStarted, count: fresh.length });
        }
      } catch (error) {
        // Stored but not queued: the next tick's sweep sends them.
        log.error("enqueue_failed", { feed: feed.id, listings: fresh.length, error: errorMessage(error) });
        recordMetric(deps.metrics, { stage: "enqueue", source: feed.source, city: feed.city.slug, outcome: "error", count: fresh.length });
      }
      seen += inputs.length;

      recordMetric(deps.metrics, {
        stage: "fetch",
        source: feed.source,
        city: feed.city.slug,
        durationMs: deps.clock() - pageStarted,
        count: inputs.length,
      });
      // Newest first, but OLX puts older promoted ads on top: we have caught up
      // once the page's last (oldest) listing is one we already had. New means
      // stored just now, sent or not: a new cross-site duplicate is not a known one.
      const oldest = inputs.at(-1);
      const oldestIsNew = oldest !== undefined && upserted.some((u) => u.inserted && u.externalId === oldest.externalId);
      const caughtUp = baseline || !oldestIsNew;
      if (caughtUp || !parsed.hasNextPage) break;
    }
    outcome = { kind: "ok", durationMs: deps.clock() - started, seen, fresh: queued.length, baseline };
  } catch (error) {
    outcome = await failure(feed, error, started, deps);
  }

  const now = deps.clock();
  const d1 = deps.db.$client;
  const health = asD1Statement(d1, feedResultStatement(deps.db, feed, outcome, now));
  await d1.batch(outcome.kind === "ok" ? [health, retireStatement(d1, feed.id, cycle - STALE_CYCLES - REFRESH_CYCLES, now)] : [health]);

  recordMetric(deps.metrics, {
    stage: "feed",
    source: feed.source,
    city: feed.city.slug,
    outcome: outcome.kind,
    durationMs: outcome.durationMs,
    count: queued.length,
  });
  log.info("feed_cycle", {
    feed: feed.id,
    source: feed.source,
    city: feed.city.slug,
    outcome: outcome.kind,
    seen,
    queued: queued.length,
    baseline,
    ms: Math.round(outcome.durationMs),
    ...(outcome.kind === "ok" ? {} : { error: outcome.error }),
  });
  return { outcome, queued };
}

async function failure(feed: FeedRow, error: unknown, started: number, deps: FeedRunDeps): Promise<FeedOutcome> {
  const now = deps.clock();
  const failures = feed.consecutiveFailures + 1;
  const message = errorMessage(error);
  if (error instanceof PageError && error.kind === "blocked") {
    const retryAt = now + blockDelayS(failures) * 1000;
    // One alert per blocked streak, not one per retry.
    const alerted = feed.blockAlertedAt === null;
    if (alerted) {
      await deps.alert(
        `Feed ${feed.source} ${feed.deal} ${feed.property} ${feed.city.name} is blocked (${message}). ` +
          `Backing off until ${new Date(retryAt).toISOString()}.`,
      );
    }
    return { kind: "blocked", durationMs: now - started, error: message, retryAt, alerted };
  }
  return {
    kind: "error",
    durationMs: now - started,
    error: message,
    retryAt: now + retryDelayS(feed.intervalS, failures) * 1000,
    alerted: false,
  };
}

function reportIssues(
  feed: FeedRow,
  page: number,
  parsed: { errors: { item: string; message: string }[]; warnings: { item: string; message: string }[] },
  metrics: AnalyticsEngineDataset | undefined,
) {
  for (const [kind, issues] of [
    ["item_error", parsed.errors],
    ["item_warning", parsed.warnings],
  ] as const) {
    if (issues.length === 0) continue;
    recordMetric(metrics, { stage: "parse_issue", source: feed.source, city: feed.city.slug, outcome: kind, count: issues.length });
    for (const issue of issues.slice(0, 5)) {
      log.warn(kind, { feed: feed.id, page, item: issue.item, message: issue.message });
    }
  }
}
