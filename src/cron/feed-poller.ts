import { DurableObject } from "cloudflare:workers";
import { useDb } from "../db/client.ts";
import { listCities } from "../db/locations.ts";
import { errorMessage, log } from "../lib/log.ts";
import { recordMetric } from "../lib/metrics.ts";
import { type FeedTarget, type PollerConfig, type PollerStats, feedKey } from "../model/feed.ts";
import type { Listing } from "../model/listing.ts";
import { cityResolver } from "../model/location.ts";
import { PageError, type PageFetcher, directFetcher } from "../sources/index.ts";
import { sendAdminText } from "../telegram/admin-alert.ts";
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
 * while failures repeat (schedule.ts); a block also tells the admin chat
 * once. The alarm follows the data: armed while the feed runs, deleted once
 * stopped.
 */
export class FeedPoller extends DurableObject<Env> {
  /** The clock (ms since epoch); tests move it. */
  now: () => number = () => Date.now();
  /** How pages are fetched (directFetcher; tests and other fetchers swap it). */
  fetcher: PageFetcher = directFetcher;

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
    if (state.blockedUntil !== null && state.blockedUntil > now) {
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
    stats.lastPollAt = started;
    let result: PollResult;
    try {
      result = await pollFeed({
        feedId: config.feedId,
        feed: config.feed,
        baseUrl: siteBaseUrl(this.env, config.feed),
        fetcher: this.fetcher,
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
    if (state.baselineAt === null || state.consecutiveFailures > 0 || state.blockedUntil !== null) {
      this.#store.setState({ ...state, baselineAt: state.baselineAt ?? finished, consecutiveFailures: 0, blockedUntil: null, blockAlertedAt: null });
    }
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

  /** A failed poll: retried after one interval, then doubling while failures repeat; a block also tells the admin once. */
  async #failed(config: PollerConfig, error: unknown, started: number): Promise<number> {
    const state = this.#store.state();
    const stats = this.#currentStats(config);
    const now = this.now();
    const failures = state.consecutiveFailures + 1;
    const message = errorMessage(error);
    const blocked = error instanceof PageError && error.kind === "blocked";
    const interval = pollIntervalMs(config.sharePerMin, 1);
    const retryAt = now + (blocked ? blockDelayMs(interval, failures) : retryDelayMs(interval, failures));
    const alert = blocked && state.blockAlertedAt === null;
    this.#store.setState({ ...state, consecutiveFailures: failures, blockedUntil: blocked ? retryAt : null, blockAlertedAt: alert ? now : state.blockAlertedAt });
    stats.polls++;
    stats.requests++;
    stats.consecutiveFailures = failures;
    stats.lastError = message.slice(0, 300);
    stats.blockedUntil = blocked ? retryAt : null;
    recordMetric(this.env.METRICS, { stage: "poll", source: config.feed.source, outcome: blocked ? "blocked" : "error", durationMs: now - started });
    log.warn("poll_failed", { feed: feedKey(config.feed), blocked, failures, error: message, retryAt });
    if (alert) {
      const { source, deal, property, region } = config.feed;
      await sendAdminText(this.env, `Feed ${source} ${deal} ${property} ${region?.slug ?? "Polska"} is blocked (${message}). Backing off until ${new Date(retryAt).toISOString()}.`);
    }
    this.#flushStats(true);
    return retryAt;
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
