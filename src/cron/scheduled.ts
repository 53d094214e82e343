import { recomputePriceMedians } from "../db/price-medians.ts";
import { errorMessage, log } from "../lib/log.ts";
import { MEDIAN_WINDOW_MS, MIN_MEDIAN_SAMPLE } from "../model/price-median.ts";
import { reconcile } from "./reconcile.ts";

/** The medians of price per m² are recomputed at this minute of every hour: they move over weeks, not minutes. */
export const MEDIANS_MINUTE = 17;

/**
 * The cron trigger (every minute): the reconciler; once an hour also the price medians the
 * listing card compares with. Polling itself left the cron: each feed's FeedPoller wakes on its
 * own alarm, every few seconds.
 */
export async function handleScheduled(env: Env, now: number = Date.now()): Promise<void> {
  const result = await reconcile(env, now);
  log.info("reconciled", { ...result });
  if (new Date(now).getUTCMinutes() === MEDIANS_MINUTE) await refreshMedians(env, now);
}

/** A failed recompute keeps the last medians (they are an hour older, not wrong): logged, not thrown. */
export async function refreshMedians(env: Env, now: number): Promise<void> {
  try {
    const stored = await recomputePriceMedians(env.DB, { since: now - MEDIAN_WINDOW_MS, now, minSample: MIN_MEDIAN_SAMPLE });
    log.info("price_medians", { stored });
  } catch (error) {
    log.error("price_medians_failed", { error: errorMessage(error) });
  }
}
