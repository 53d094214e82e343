import { log } from "../lib/log.ts";
import { exportBackup, prune } from "./maintenance.ts";
import { reconcile } from "./reconcile.ts";

/** The crons of wrangler.toml besides the every-minute one, by their expression. */
export const MAINTENANCE_CRONS = { prune: "7 * * * *", export: "17 3 * * *" } as const;

/**
 * The cron triggers. Every minute: the reconciler (polling itself left the
 * cron: each feed's FeedPoller wakes on its own alarm, every few seconds).
 * Hourly: pruning. Daily: the export to R2.
 */
export async function handleScheduled(env: Env, now: number = Date.now(), cron = "* * * * *"): Promise<void> {
  if (cron === MAINTENANCE_CRONS.prune) return prune(env, now);
  if (cron === MAINTENANCE_CRONS.export) {
    await exportBackup(env, now);
    return;
  }
  const result = await reconcile(env, now);
  log.info("reconciled", { ...result });
}
