import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import type { FeedPoller } from "../../src/cron/feed-poller.ts";
import { reconcile } from "../../src/cron/reconcile.ts";
import { feeds } from "../../src/db/schema.ts";
import { type FeedTarget, feedKey } from "../../src/model/feed.ts";
import { db } from "./seed.ts";

/** The poller of a feed. */
export function pollerOf(feed: Pick<FeedTarget, "source" | "deal" | "property"> & { region?: FeedTarget["region"] }): DurableObjectStub<FeedPoller> {
  return env.FEED_POLLER.getByName(feedKey({ ...feed, region: feed.region ?? null }));
}

/** Gives a poller the test's clock. */
export async function setPollerClock(stub: DurableObjectStub<FeedPoller>, clock: { now: number }): Promise<void> {
  await runInDurableObject(stub, (poller: FeedPoller) => {
    poller.now = () => clock.now;
  });
}

/** The alarm a poller has armed (ms), or null. */
export function pollerAlarm(stub: DurableObjectStub<FeedPoller>): Promise<number | null> {
  return runInDurableObject(stub, (_p: FeedPoller, state) => state.storage.getAlarm());
}

/** The reconciler once, as the cron runs it: feeds from the saved searches, pollers started or stopped. */
export function runReconcile(now = Date.now()) {
  return reconcile(env, now);
}

/** One poll of every active feed: each poller's alarm, run now. */
export async function pollActiveFeeds(clock?: { now: number }): Promise<void> {
  const active = await db().select().from(feeds).where(eq(feeds.active, true));
  for (const feed of active) {
    const stub = pollerOf(feed);
    if (clock) await setPollerClock(stub, clock);
    await runDurableObjectAlarm(stub);
  }
}

/** Every feed a test may poll, so resetPollers can wipe them. */
const FEEDS: Pick<FeedTarget, "source" | "deal" | "property">[] = (["olx", "otodom"] as const).flatMap((source) =>
  (["rent", "sale"] as const).flatMap((deal) => (["flat", "house", "room", "plot"] as const).map((property) => ({ source, deal, property }))),
);

/**
 * Pollers are Durable Objects: their storage outlives a test within a file.
 * Each test that polls starts from pollers that never ran.
 */
export async function resetPollers(): Promise<void> {
  for (const feed of FEEDS) {
    const stub = pollerOf(feed);
    await runInDurableObject(stub, async (_p: FeedPoller, state) => {
      await state.storage.deleteAlarm();
      await state.storage.deleteAll();
    });
    // The next call builds the object anew on the empty storage.
    await evictDurableObject(stub);
  }
}
