import { recomputePriceMedians } from "../db/price-medians.ts";
import { errorMessage, log } from "../lib/log.ts";
import { MEDIAN_WINDOW_MS, MIN_MEDIAN_SAMPLE } from "../model/price-median.ts";
import { exportBackup, prune } from "./maintenance.ts";
import { reconcile } from "./reconcile.ts";

/** The crons of wrangler.toml besides the every-minute one, by their expression. */
export const MAINTENANCE_CRONS = { prune: "7 * * * *", export: "17 3 * * *" } as const;

/**
 * The cron triggers. Every minute: the reconciler (polling itself left the
 * cron: each feed's FeedPoller wakes on its own alarm, every few seconds).
 * Hourly: pruning, and the price medians the listing card compares with
 * (they move over weeks, not minutes). Daily: the export to R2.
 */
export async function handleScheduled(env: Env, now: number = Date.now(), cron = "* * * * *"): Promise<void> {
  if (cron === MAINTENANCE_CRONS.prune) {
    await prune(env, now);
    await refreshMedians(env, now);
    return;
  }
  if (cron === MAINTENANCE_CRONS.export) {
    await exportBackup(env, now);
    return;
  }
  const result = await reconcile(env, now);
  log.info("reconciled", { ...result });
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
