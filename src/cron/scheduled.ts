import { log } from "../lib/log.ts";
import { reconcile } from "./reconcile.ts";

/**
 * The cron trigger (every minute): the reconciler. Polling itself left the
 * cron: each feed's FeedPoller wakes on its own alarm, every few seconds.
 */
export async function handleScheduled(env: Env, now: number = Date.now()): Promise<void> {
  const result = await reconcile(env, now);
  log.info("reconciled", { ...result });
}
