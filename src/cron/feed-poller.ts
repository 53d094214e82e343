import { DurableObject } from "cloudflare:workers";
import { useDb } from "../db/client.ts";
import { listCities } from "../db/locations.ts";
import { claimAlert } from "../db/settings.ts";
import { type FetcherName, config as readConfig } from "../lib/config.ts";
import { errorMessage, log } from "../lib/log.ts";
import { recordMetric } from "../lib/metrics.ts";
import { type FeedTarget, type PollerConfig, type PollerStats, feedKey } from "../model/feed.ts";
import type { Listing } from "../model/listing.ts";
import { cityResolver } from "../model/location.ts";
import { PageError, type PageFetcher, createFetcher } from "../sources/index.ts";
import { sendAdminText } from "../telegram/admin-alert.ts";
import { afterBlock, afterSuccess, currentFetcher } from "./fetcher-ladder.ts";
import { type PollResult, pollFeed } from "./poll.ts";
import { PollerStore } from "./poller-store.ts";
import { blockDelayMs, pollIntervalMs, retryDelayMs } from "./schedule.ts";

/** Figures are written to storage at most this often: a poll that finds nothing writes nothing. */
const STATS_FLUSH_MS = 60_000;
/**
 * An object idle about this long may be evicted with its memory: a poller
 * waiting longer between polls writes its figures every poll (few polls, so
 * few writes) or they would be lost.
 */
const EVICTION_IDLE_MS = 10_000;
/** The city list is read again after this long (a city the bot learnt of since is then known). */
const CITIES_TTL_MS = 10 * 60_000;
/** A site's move to one fetcher is told to the admin chat at most this often, whichever of its feeds moves. */
const ESCALATION_ALERT_EVERY_MS = 24 * 60 * 60_000;
const DIRECT_ONLY: readonly FetcherName[] = ["direct"];
/** An alarm this close to the backoff's end polls: it is the backoff's own alarm, fired a moment early. */
const ALARM_EARLY_MS = 250;

const emptyStats = (key: string, since: number): PollerStats => ({
  key,
  since,
  polls: 0,
  emptyPolls: 0,
  requests: 0,
  overflows: 0,
  newListings: 0,
  unknownCity: 0,
  d1RowsWritten: 0,
  d1RowsWrittenOnEmptyPolls: 0,
  detectionMsSum: 0,
  detectionMsMax: 0,
  intervalMs: 0,
  sharePerMin: 0,
  lastPollAt: null,
  lastSuccessAt: null,
  consecutiveFailures: 0,
  lastError: null,
  blockedUntil: null,
  fetcher: "direct",
  blocks: 0,
});

function siteBaseUrl(env: Env, feed: FeedTarget): string {
  return feed.source === "olx" ? env.OLX_BASE_URL : env.OTODOM_BASE_URL;
}

/**
 * One Durable Object per feed (`env.FEED_POLLER.getByName(feedKey(feed))`):
 * polls it on its own alarm, as often as its share of the site's budget
 * allows (a few seconds for feeds people want), remembering what it saw in
 * its own SQLite so that only new or changed listings reach D1 and the queue.
 * The cron's reconciler starts it (configure), changes its share, and stops
 * it when nobody wants the feed any more. Its first poll is a baseline:
 * stored, not sent. A failed poll is retried after one interval, doubling
 * while failures repeat (schedule.ts). A block moves the feed to the site's
 * next fetcher (and tells the admin chat once, fetcher-ladder.ts); blocked
 * on the last one, it backs off the same way and tells the admin chat once.
 * The alarm follows the data: armed while the feed runs, deleted once stopped.
 */
export class FeedPoller extends DurableObject<Env> {
  /** The clock (ms since epoch); tests move it. */
  now: () => number = () => Date.now();
  /** Builds the fetcher of a name, once per name (the browser one keeps its session); tests swap it. */
  makeFetcher: (name: FetcherName) => PageFetcher = (name) => createFetcher(name, this.env);
  readonly #fetchers = new Map<FetcherName, PageFetcher>();

  readonly #store: PollerStore;
  #stats: PollerStats | null = null;
  #statsFlushedAt = 0;
  #cities: { at: number; resolve: (l: Listing) => number | null } | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new PollerStore(ctx.storage);
  }

  /**
   * Starts the feed (first poll at once, a baseline) or updates its share.
   * Idempotent: the reconciler calls it every minute for every wanted feed,
   * which also revives a poller whose alarm was lost.
   *
   * @returns the poller's figures, for feeds.stats
   */
  async configure(config: PollerConfig): Promise<PollerStats> {
    // Called every minute: storage is written only when something changed (rows written are billed).
    if (JSON.stringify(this.#store.config()) !== JSON.stringify(config)) this.#store.setConfig(config);
    const state = this.#store.state();
    const stats = this.#currentStats(config);
    stats.sharePerMin = config.sharePerMin;
    if (!state.running) this.#store.setState({ ...state, running: true });
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Math.max(this.now(), state.blockedUntil ?? 0));
    return this.#flushStats(false);
  }

  /** Nobody wants the feed: no more polls. Restarted later, it takes a new baseline (what it lists then is no news). */
  async stop(): Promise<PollerStats> {
    const state = this.#store.state();
    this.#store.setState({ ...state, running: false, baselineAt: null });
    await this.ctx.storage.deleteAlarm();
    return this.#flushStats(true);
  }

  /** The poller's figures as they stand. */
  async stats(): Promise<PollerStats | null> {
    return this.#store.config() ? this.#flushStats(true) : null;
  }

  /** One poll, then the next alarm. Never throws (a throwing alarm is retried blindly). */
  override async alarm(): Promise<void> {
    const config = this.#store.config();
    const state = this.#store.state();
    if (!config || !state.running) return;
    const now = this.now();
    // An alarm set for a backoff can fire a moment before it (the time is stored to the ms, the
    // backoff is not): re-arming it for the instant that is firing would be cleared with it, and
    // the feed would stop until the cron's next configure().
    if (state.blockedUntil !== null && state.blockedUntil - now > ALARM_EARLY_MS) {
      await this.ctx.storage.setAlarm(state.blockedUntil);
      return;
    }
    let next: number;
    try {
      next = await this.#poll(config, now);
    } catch (error) {
      log.error("poller_alarm_failed", { feed: config.feedId, error: errorMessage(error) });
      next = this.now() + pollIntervalMs(config.sharePerMin, 1);
    }
    await this.ctx.storage.setAlarm(next);
  }

  /** @returns when to poll next */
  async #poll(config: PollerConfig, started: number): Promise<number> {
    const state = this.#store.state();
    const stats = this.#currentStats(config);
    const key = feedKey(config.feed);
    const chain = config.fetchers ?? DIRECT_ONLY;
    stats.lastPollAt = started;
    let result: PollResult;
    try {
      result = await pollFeed({
        feedId: config.feedId,
        feed: config.feed,
        baseUrl: siteBaseUrl(this.env, config.feed),
        fetcher: this.#fetcher(currentFetcher(chain, state.ladder)),
        d1: this.env.DB,
        queue: this.env.NEW_LISTINGS,
        store: this.#store,
        cityOf: (listing) => this.#cityOf(listing),
        baseline: state.baselineAt === null,
        baselineAt: state.baselineAt,
        metrics: this.env.METRICS,
        clock: this.now,
      });
    } catch (error) {
      return this.#failed(config, error, started);
    }
    const finished = this.now();
    const step = afterSuccess(chain, state.ladder, finished, readConfig(this.env).fetcherQuietMin * 60_000);
    if (state.baselineAt === null || state.consecutiveFailures > 0 || state.blockedUntil !== null || step.state !== state.ladder) {
      this.#store.setState({ ...state, baselineAt: state.baselineAt ?? finished, consecutiveFailures: 0, blockedUntil: null, blockAlertedAt: null, ladder: step.state });
    }
    if (step.move) log.info("fetcher_" + step.move.replace("-", "_"), { feed: key, fetcher: step.fetcher });
    stats.fetcher = step.fetcher;
    stats.polls++;
    stats.requests += result.requests;
    stats.lastSuccessAt = finished;
    stats.consecutiveFailures = 0;
    stats.blockedUntil = null;
    stats.lastError = null;
    stats.d1RowsWritten += result.d1RowsWritten;
    if (result.empty) {
      stats.emptyPolls++;
      stats.d1RowsWrittenOnEmptyPolls += result.d1RowsWritten;
    }
    if (result.overflow) stats.overflows++;
    stats.newListings += result.fresh;
    stats.unknownCity += result.unknownCity;
    for (const ms of result.detectionMs) {
      stats.detectionMsSum += ms;
      stats.detectionMsMax = Math.max(stats.detectionMsMax, ms);
    }
    stats.intervalMs = pollIntervalMs(config.sharePerMin, result.requests);
    recordMetric(this.env.METRICS, {
      stage: "poll",
      source: config.feed.source,
      outcome: result.empty ? "empty" : "new",
      durationMs: finished - started,
      count: result.fresh,
      e2eMs: result.detectionMs.length ? Math.max(...result.detectionMs) : null,
    });
    if (!result.empty) {
      log.info("poll", { feed: key, requests: result.requests, changed: result.changed, fresh: result.fresh, overflow: result.overflow, unknownCity: result.unknownCity, ms: finished - started });
    }
    this.#flushStats(stats.intervalMs >= EVICTION_IDLE_MS);
    return started + stats.intervalMs;
  }

  /**
   * A failed poll: a block moves the feed to the site's next fetcher and
   * polls again at its own pace (the site's move told once); blocked on the
   * last fetcher, or failing otherwise, it is retried after one interval,
   * then doubling while failures repeat (schedule.ts); a block on the last
   * fetcher also tells the admin once.
   */
  async #failed(config: PollerConfig, error: unknown, started: number): Promise<number> {
    const state = this.#store.state();
    const stats = this.#currentStats(config);
    const now = this.now();
    const message = errorMessage(error);
    const blocked = error instanceof PageError && error.kind === "blocked";
    const chain = config.fetchers ?? DIRECT_ONLY;
    const from = currentFetcher(chain, state.ladder);
    const step = blocked ? afterBlock(chain, state.ladder, now) : null;
    // Moved up: the next fetcher gets its chance at the feed's own pace, with no backoff behind it.
    const moved = step !== null && step.move !== "exhausted";
    const backedOff = blocked && !moved;
    const failures = moved ? 0 : state.consecutiveFailures + 1;
    const interval = pollIntervalMs(config.sharePerMin, 1);
    const retryAt = Math.ceil(now + (moved ? interval : blocked ? blockDelayMs(interval, failures) : retryDelayMs(interval, failures)));
    const alert = backedOff && state.blockAlertedAt === null;
    this.#store.setState({ ...state, consecutiveFailures: failures, blockedUntil: backedOff ? retryAt : null, blockAlertedAt: alert ? now : state.blockAlertedAt, ladder: step?.state ?? state.ladder });
    stats.polls++;
    stats.requests++;
    if (blocked) stats.blocks++;
    stats.consecutiveFailures = failures;
    stats.lastError = message.slice(0, 300);
    stats.blockedUntil = backedOff ? retryAt : null;
    stats.fetcher = step?.fetcher ?? from;
    recordMetric(this.env.METRICS, { stage: "poll", source: config.feed.source, outcome: blocked ? "blocked" : "error", durationMs: now - started });
    log.warn("poll_failed", { feed: feedKey(config.feed), blocked, failures, error: message, retryAt, fetcher: from, next: stats.fetcher });
    const { source, deal, property, region } = config.feed;
    const feedName = `${source} ${deal} ${property} ${region?.slug ?? "Polska"}`;
    if (alert) {
      const tried = chain.length > 1 ? ` on every fetcher it has (${chain.join(", ")})` : "";
      await sendAdminText(this.env, `Feed ${feedName} is blocked${tried} (${message}). Backing off until ${new Date(retryAt).toISOString()}.`);
    }
    if (step?.move === "escalated" && (await claimAlert(useDb(this.env.DB), `fetcher_alert:${source}:${step.fetcher}`, now, ESCALATION_ALERT_EVERY_MS))) {
      const quietMin = readConfig(this.env).fetcherQuietMin;
      await sendAdminText(this.env, `${source} refused the ${from} fetcher (${message}). Feed ${feedName} now fetches through ${step.fetcher}; the site's other feeds follow when refused. It tries ${from} again after ${quietMin} min without a block.`);
    }
    this.#flushStats(true);
    return retryAt;
  }

  #fetcher(name: FetcherName): PageFetcher {
    let fetcher = this.#fetchers.get(name);
    if (!fetcher) {
      fetcher = this.makeFetcher(name);
      this.#fetchers.set(name, fetcher);
    }
    return fetcher;
  }

  async #cityOf(listing: Listing): Promise<number | null> {
    const now = this.now();
    if (!this.#cities || now - this.#cities.at > CITIES_TTL_MS) {
      this.#cities = { at: now, resolve: cityResolver(await listCities(useDb(this.env.DB))) };
    }
    return this.#cities.resolve(listing);
  }

  #currentStats(config: PollerConfig): PollerStats {
    const key = feedKey(config.feed);
    this.#stats ??= this.#store.stats() ?? emptyStats(key, this.now());
    return this.#stats;
  }

  #flushStats(force: boolean): PollerStats {
    const config = this.#store.config();
    const stats = config ? this.#currentStats(config) : emptyStats("", this.now());
    const now = this.now();
    if (force || now - this.#statsFlushedAt >= STATS_FLUSH_MS) {
      this.#store.setStats(stats);
      this.#statsFlushedAt = now;
    }
    return { ...stats };
  }
}
