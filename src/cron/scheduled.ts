import { useDb } from "../db/client.ts";
import { nextFeedDueAt } from "../db/feeds.ts";
import { config } from "../lib/config.ts";
import { log } from "../lib/log.ts";
import { directFetcher, type PageFetcher } from "../sources/index.ts";
import type { FeedRunDeps } from "./run-feed.ts";
import { TickDemandCache } from "./demand-cache.ts";
import { runTick } from "./tick.ts";

/**
 * How long one cron invocation keeps ticking: feeds due every 20-30 s are
 * served by ticking again inside the minute, so the cron's own rate (every
 * minute) does not bound a feed's interval. Waiting costs no CPU time.
 */
export const TICK_WINDOW_MS = 50_000;
/** Don't wake up for less than this. */
const MIN_WAIT_MS = 1_000;

export interface ScheduledOptions {
  alert: (text: string) => Promise<void>;
  fetcher?: PageFetcher;
  clock?: () => number;
  /** Ticks once and returns (tests, `npm start`'s own clock). */
  once?: boolean;
}

export function feedRunDeps(env: Env, options: ScheduledOptions): FeedRunDeps {
  return {
    db: useDb(env.DB),
    queue: env.NEW_LISTINGS,
    fetcher: options.fetcher ?? directFetcher,
    baseUrl: { olx: env.OLX_BASE_URL, otodom: env.OTODOM_BASE_URL },
    baseIntervalS: config(env).feedIntervalS,
    metrics: env.METRICS,
    alert: options.alert,
    clock: options.clock ?? Date.now,
    demand: new TickDemandCache(),
  };
}

/** The cron trigger: tick now, then again whenever a feed falls due within the window. */
export async function handleScheduled(env: Env, options: ScheduledOptions): Promise<void> {
  const deps = feedRunDeps(env, options);
  const windowEnd = deps.clock() + TICK_WINDOW_MS;
  for (;;) {
    const result = await runTick(deps);
    log.info("tick", { ...result });
    if (options.once) return;
    const next = await nextFeedDueAt(env.DB);
    const now = deps.clock();
    if (next === null || next > windowEnd) return;
    await scheduler.wait(Math.max(MIN_WAIT_MS, next - now));
  }
}
