import { env } from "cloudflare:workers";
import { and, eq, inArray } from "drizzle-orm";
import { beforeEach, describe, it, onTestFinished } from "vitest";
import { createFakeOlx } from "../../sim/fake-olx.ts";
import { createFakeOtodom } from "../../sim/fake-otodom.ts";
import { MAX_PAGES, REFRESH_CYCLES, STALE_CYCLES } from "../../src/cron/run-feed.ts";
import { feedInterval, retryDelayS } from "../../src/cron/schedule.ts";
import { DEMAND_TTL_MS } from "../../src/cron/demand-cache.ts";
import { feedRunDeps } from "../../src/cron/scheduled.ts";
import { SWEEP_GRACE_MS, runTick } from "../../src/cron/tick.ts";
import { feeds, listings, users } from "../../src/db/schema.ts";
import { bumpSearchVersionStatement } from "../../src/db/settings.ts";
import { toBase62 } from "../../src/sources/base62.ts";
import { OLX_PAGE_SIZE } from "../../src/sources/olx/adapter.ts";
import type { Source } from "../../src/model/listing.ts";
import { fakeWeb } from "../helpers/fake-web.ts";
import { cityId, db, resetDb, seedSearch, seedUser } from "../helpers/seed.ts";
import { json, raw } from "../sources/fixtures.ts";

// runTick sends real messages to NEW_LISTINGS, whose real consumer runs in the
// background: every user here is a mock user (the Notifier records instead of
// calling Telegram), and the assertions read D1 (enqueued_at, notify, feeds),
// never the queue's consumption.

beforeEach(resetDb);

/** OLX's place for Kraków flats for sale (the seed migration's ids), for OLX listings outside the template's Wrocław rentals. */
const OLX_KRAKOW_SALE = { categoryId: 14, cityId: 8959, cityName: "Kraków", regionId: 4, districtName: null };

/**
 * The parser's deps on a clock the test moves, with OLX and Otodom faked at the
 * HTTP boundary (the default directFetcher really fetches) and admin alerts recorded.
 */
function harness(options: { olxInitial?: number; otodomInitial?: number } = {}) {
  const clock = { now: Date.now() };
  const olx = createFakeOlx({ offers: [json(raw.olxApiOffer)], envelope: json(raw.olxUzSearch), initial: options.olxInitial ?? 0, now: clock.now - 60_000 });
  const otodom = createFakeOtodom({ nextData: json(raw.otodomKrakow2026), initial: options.otodomInitial ?? 0, now: clock.now - 60_000 });
  const web = fakeWeb({
    [new URL(env.OLX_BASE_URL).origin]: olx.handle,
    [new URL(env.OTODOM_BASE_URL).origin]: otodom.handle,
  });
  onTestFinished(() => web.restore());
  const alerts: string[] = [];
  const deps = feedRunDeps(env, {
    alert: async (text) => {
      alerts.push(text);
    },
    clock: () => clock.now,
  });
  return { clock, olx, otodom, alerts, deps, intervalMs: deps.baseIntervalS * 1000, tick: () => runTick(deps) };
}

async function mockUser() {
  return seedUser({ isMock: true });
}

async function feedOf(source: Source, city: string, deal: "rent" | "sale" = "rent") {
  const [row] = await db()
    .select()
    .from(feeds)
    .where(and(eq(feeds.source, source), eq(feeds.deal, deal), eq(feeds.property, "flat"), eq(feeds.cityId, await cityId(city))));
  if (!row) throw new Error(`no ${source} ${deal} feed for ${city}`);
  return row;
}

async function listingsOf(source: Source, externalIds?: readonly number[]) {
  const rows = await db()
    .select()
    .from(listings)
    .where(externalIds ? and(eq(listings.source, source), inArray(listings.externalId, externalIds.map(String))) : eq(listings.source, source));
  if (externalIds && rows.length !== externalIds.length) throw new Error(`expected ${externalIds.length} ${source} listings, found ${rows.length}`);
  return rows;
}

/** One mock user watching OLX rentals of flats in Wrocław: the fake OLX's default target. */
async function watchOlxWroclaw() {
  const user = await mockUser();
  await seedSearch(user.id, { city: "wroclaw", source: "olx", deal: "rent", property: "flat" });
  return user;
}

describe("runTick: feeds from saved searches", () => {
  it("derives one feed per distinct source/deal/property/city, counts its subscribers, sets its interval and retires unwanted feeds", async ({ expect }) => {
    const h = harness();
    const alice = await mockUser();
    const bob = await mockUser();
    await seedSearch(alice.id, { city: "wroclaw", source: "olx", deal: "rent", property: "flat" });
    await seedSearch(bob.id, { city: "wroclaw", source: "olx", deal: "rent", property: "flat" });
    const carol = await mockUser();
    await seedSearch(carol.id, { city: "krakow", source: null, deal: "sale", property: "flat" });

    const first = await h.tick();
    const all = await db().select().from(feeds);
    expect(all).toHaveLength(3);
    expect(first.fetched).toBe(3);

    const wroclaw = await feedOf("olx", "wroclaw");
    expect(wroclaw).toMatchObject({ active: true, subscribers: 2, intervalS: feedInterval(2, h.deps.baseIntervalS) });
    // A search for "both sources" needs one feed per source.
    for (const source of ["olx", "otodom"] as const) {
      expect(await feedOf(source, "krakow", "sale")).toMatchObject({ active: true, subscribers: 1, intervalS: feedInterval(1, h.deps.baseIntervalS) });
    }

    // Three more searches on the shared feed: a busier feed is fetched more often.
    for (let i = 0; i < 3; i++) await watchOlxWroclaw();
    await h.tick();
    const busier = await feedOf("olx", "wroclaw");
    expect(busier.id).toBe(wroclaw.id);
    expect(busier.subscribers).toBe(5);
    expect(busier.intervalS).toBe(feedInterval(5, h.deps.baseIntervalS));
    expect(busier.intervalS).toBeLessThan(wroclaw.intervalS);

    // Everybody pauses (bumping the search version, as /pause does): the next tick retires every feed, and fetches none of them even when due.
    await db().update(users).set({ paused: true });
    await bumpSearchVersionStatement(env.DB).run();
    h.clock.now += 24 * 60 * 60 * 1000;
    const requestsBefore = h.olx.requests + h.otodom.requests;
    const paused = await h.tick();
    expect(paused.fetched).toBe(0);
    expect(h.olx.requests + h.otodom.requests).toBe(requestsBefore);
    const after = await db().select().from(feeds);
    expect(after).toHaveLength(3);
    for (const f of after) expect(f).toMatchObject({ active: false, subscribers: 0 });

    // One user resumes: only the feeds their searches need come back, same rows.
    await db().update(users).set({ paused: false }).where(eq(users.id, carol.id));
    await bumpSearchVersionStatement(env.DB).run();
    const resumed = await h.tick();
    expect(resumed.fetched).toBe(2);
    expect((await feedOf("olx", "wroclaw")).active).toBe(false);
    expect(await feedOf("otodom", "krakow", "sale")).toMatchObject({ active: true, subscribers: 1 });
    expect(await db().select().from(feeds)).toHaveLength(3);
    // ... and start over with a baseline: what was listed during the pause is not sent.
    expect(await feedOf("otodom", "krakow", "sale")).toMatchObject({ baselineAt: h.clock.now, lastNew: 0 });
  });
});

describe("runTick: demand between ticks", () => {
  it("reads the searches again only when the search version moved, or after a minute", async ({ expect }) => {
    const h = harness();
    const alice = await mockUser();
    await seedSearch(alice.id, { city: "wroclaw", source: "olx", deal: "rent", property: "flat" });
    await h.tick();
    expect(await feedOf("olx", "wroclaw")).toMatchObject({ active: true, subscribers: 1 });

    // A change that skips the version bump is not seen by the next tick of the same invocation...
    await db().update(users).set({ paused: true });
    h.clock.now += 1_000;
    await h.tick();
    expect(await feedOf("olx", "wroclaw")).toMatchObject({ active: true, subscribers: 1 });
    // ... but is after the cache's minute,
    h.clock.now += DEMAND_TTL_MS;
    await h.tick();
    expect(await feedOf("olx", "wroclaw")).toMatchObject({ active: false, subscribers: 0 });
    // and a bumped change is seen at once.
    await db().update(users).set({ paused: false });
    await bumpSearchVersionStatement(env.DB).run();
    h.clock.now += 1_000;
    await h.tick();
    expect(await feedOf("olx", "wroclaw")).toMatchObject({ active: true, subscribers: 1 });
  });
});

describe("runTick: one feed's cycles", () => {
  it("stores the first cycle as a baseline without sending it, then queues exactly what was published since", async ({ expect }) => {
    const h = harness({ olxInitial: 4 });
    await watchOlxWroclaw();

    const t0 = h.clock.now;
    const baseline = await h.tick();
    expect(baseline).toEqual({ fetched: 1, queued: 0, swept: 0 });
    const old = await listingsOf("olx");
    expect(old).toHaveLength(4);
    for (const l of old) expect(l).toMatchObject({ notify: false, enqueuedAt: null, firstSeenAt: t0, seenCount: 1 });
    expect(await feedOf("olx", "wroclaw")).toMatchObject({ baselineAt: t0, cycle: 1, lastSeen: 4, lastNew: 0, nextDueAt: t0 + h.intervalMs });

    const published = h.olx.publish(3, h.clock.now);
    h.clock.now += h.intervalMs;
    const t1 = h.clock.now;
    const second = await h.tick();
    expect(second).toEqual({ fetched: 1, queued: 3, swept: 0 });

    const fresh = await listingsOf("olx", published);
    for (const l of fresh) expect(l).toMatchObject({ notify: true, enqueuedAt: t1, firstSeenAt: t1, seenCount: 1, duplicateOf: null });
    expect(await listingsOf("olx")).toHaveLength(7);
    // The baseline's listings were seen again, never queued, and not rewritten (unchanged, refreshed only every REFRESH_CYCLES).
    for (const l of await listingsOf("olx", old.map((l) => Number(l.externalId)))) {
      expect(l).toMatchObject({ notify: false, enqueuedAt: null, seenCount: 1, lastSeenAt: t0, lastSeenCycle: 1 });
    }

    expect(await feedOf("olx", "wroclaw")).toMatchObject({
      baselineAt: t0,
      lastRunAt: t1,
      lastSuccessAt: t1,
      lastSeen: 7,
      lastNew: 3,
      consecutiveFailures: 0,
      lastError: null,
      blockedUntil: null,
      cycle: 2,
      nextDueAt: t1 + h.intervalMs,
    });
  });

  it("does not fetch a feed before it is due", async ({ expect }) => {
    const h = harness({ olxInitial: 2 });
    await watchOlxWroclaw();
    await h.tick();
    expect(h.olx.requests).toBe(1);

    h.olx.publish(2, h.clock.now);
    expect(await h.tick()).toEqual({ fetched: 0, queued: 0, swept: 0 });
    h.clock.now += h.intervalMs - 1;
    expect((await h.tick()).fetched).toBe(0);
    expect(h.olx.requests).toBe(1);
    expect(await listingsOf("olx")).toHaveLength(2);

    h.clock.now += 1;
    expect(await h.tick()).toMatchObject({ fetched: 1, queued: 2 });
    expect(h.olx.requests).toBe(2);
  });

  it("backs off a blocked feed, alerts the operator once per blocked streak, and recovers", async ({ expect }) => {
    const h = harness({ olxInitial: 2 });
    await watchOlxWroclaw();
    await h.tick();

    h.olx.setMode("blocked");
    h.clock.now += h.intervalMs;
    const blockedAt = h.clock.now;
    await h.tick();
    const first = await feedOf("olx", "wroclaw");
    expect(first).toMatchObject({ consecutiveFailures: 1, blockedUntil: blockedAt + 5 * 60_000, nextDueAt: blockedAt + 5 * 60_000, blockAlertedAt: blockedAt, lastErrorAt: blockedAt, lastSuccessAt: blockedAt - h.intervalMs });
    expect(first.lastError).toContain("403");
    expect(h.alerts).toHaveLength(1);
    expect(h.alerts[0]).toContain("blocked");
    expect(h.alerts[0]).toContain("403");

    // Before blocked_until: not even asked.
    const requests = h.olx.requests;
    h.clock.now = (first.blockedUntil ?? 0) - 1;
    expect((await h.tick()).fetched).toBe(0);
    expect(h.olx.requests).toBe(requests);

    // Still blocked after the wait: longer back-off, no second alert in the same streak.
    h.clock.now = first.blockedUntil ?? 0;
    const retriedAt = h.clock.now;
    await h.tick();
    expect(h.olx.requests).toBe(requests + 1);
    const second = await feedOf("olx", "wroclaw");
    expect(second).toMatchObject({ consecutiveFailures: 2, blockedUntil: retriedAt + 10 * 60_000, blockAlertedAt: blockedAt });
    expect(h.alerts).toHaveLength(1);

    // The site lets us in again: the streak is over, and what was published meanwhile is sent.
    h.olx.setMode("ok");
    const meanwhile = h.olx.publish(2, h.clock.now);
    h.clock.now = second.blockedUntil ?? 0;
    const recoveredAt = h.clock.now;
    expect(await h.tick()).toMatchObject({ fetched: 1, queued: 2 });
    expect(await feedOf("olx", "wroclaw")).toMatchObject({ consecutiveFailures: 0, blockedUntil: null, blockAlertedAt: null, lastSuccessAt: recoveredAt, nextDueAt: recoveredAt + h.intervalMs });
    for (const l of await listingsOf("olx", meanwhile)) expect(l.enqueuedAt).toBe(recoveredAt);

    // A new block is a new streak: it alerts again, and its back-off starts over at 5 min.
    h.olx.setMode("blocked");
    h.clock.now += h.intervalMs;
    const reblockedAt = h.clock.now;
    await h.tick();
    expect(h.alerts).toHaveLength(2);
    expect(await feedOf("olx", "wroclaw")).toMatchObject({ consecutiveFailures: 1, blockedUntil: reblockedAt + 5 * 60_000, blockAlertedAt: reblockedAt });
  });

  it("treats a page it cannot read as an error: retried later with back-off, no alert, nothing stored", async ({ expect }) => {
    const h = harness({ olxInitial: 2 });
    await watchOlxWroclaw();
    await h.tick();

    h.olx.publish(3, h.clock.now);
    h.olx.setMode("changed-format");
    h.clock.now += h.intervalMs;
    const failedAt = h.clock.now;
    await expect(h.tick()).resolves.toEqual({ fetched: 1, queued: 0, swept: 0 });
    const feed = await feedOf("olx", "wroclaw");
    expect(feed).toMatchObject({
      consecutiveFailures: 1,
      lastErrorAt: failedAt,
      lastSuccessAt: failedAt - h.intervalMs,
      nextDueAt: failedAt + retryDelayS(feed.intervalS, 1) * 1000,
      blockedUntil: null,
      blockAlertedAt: null,
      cycle: 1,
    });
    expect(feed.lastError).toContain("not an OLX API response");
    expect(h.alerts).toEqual([]);
    expect(await listingsOf("olx")).toHaveLength(2);

    // Failing again doubles the wait.
    h.clock.now = feed.nextDueAt;
    const againAt = h.clock.now;
    await h.tick();
    expect(await feedOf("olx", "wroclaw")).toMatchObject({ consecutiveFailures: 2, nextDueAt: againAt + retryDelayS(feed.intervalS, 2) * 1000 });
    expect(h.alerts).toEqual([]);
  });
});

describe("runTick: listings that never reached the queue", () => {
  it("re-sends a listing saved for sending but never queued once it is older than the grace period", async ({ expect }) => {
    const h = harness();
    await watchOlxWroclaw();
    await h.tick();
    const feed = await feedOf("olx", "wroclaw");

    const now = h.clock.now;
    const row = (externalId: string, firstSeenAt: number) => ({
      source: "olx" as const,
      externalId,
      dedupKey: `olx:${externalId}`,
      feedId: feed.id,
      url: `https://www.olx.pl/d/oferta/test-${externalId}.html`,
      title: `lost ${externalId}`,
      deal: "rent" as const,
      property: "flat" as const,
      firstSeenAt,
      lastSeenAt: firstSeenAt,
      lastSeenCycle: 1,
      notify: true,
    });
    await db()
      .insert(listings)
      .values([
        row("1", now - SWEEP_GRACE_MS - 1),
        row("2", now - SWEEP_GRACE_MS + 1_000),
        // Not meant to be sent (a baseline or a duplicate): never swept.
        { ...row("3", now - 10 * SWEEP_GRACE_MS), notify: false },
      ]);

    expect(await h.tick()).toEqual({ fetched: 0, queued: 0, swept: 1 });
    const [lost, young, silent] = await Promise.all(["1", "2", "3"].map(async (id) => (await listingsOf("olx", [Number(id)]))[0]));
    expect(lost?.enqueuedAt).toBe(now);
    expect(young?.enqueuedAt).toBeNull();
    expect(silent?.enqueuedAt).toBeNull();

    // Once queued it is not swept again; the young one is, when its grace is over.
    h.clock.now += 1_000;
    expect((await h.tick()).swept).toBe(0);
    h.clock.now += 1;
    expect((await h.tick()).swept).toBe(1);
    expect((await listingsOf("olx", [2]))[0]?.enqueuedAt).toBe(h.clock.now);
    expect((await h.tick()).swept).toBe(0);
  });

  it("sweeps what a cycle stored but failed to queue", async ({ expect }) => {
    const h = harness({ olxInitial: 2 });
    await watchOlxWroclaw();
    await h.tick();

    // The queue refuses sends for one cycle.
    const real = h.deps.queue;
    h.deps.queue = new Proxy(real, {
      get(target, prop) {
        if (prop === "send" || prop === "sendBatch") return () => Promise.reject(new Error("queue unavailable"));
        const value: unknown = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const published = h.olx.publish(3, h.clock.now);
    h.clock.now += h.intervalMs;
    const storedAt = h.clock.now;
    expect(await h.tick()).toEqual({ fetched: 1, queued: 0, swept: 0 });
    for (const l of await listingsOf("olx", published)) expect(l).toMatchObject({ notify: true, enqueuedAt: null, firstSeenAt: storedAt });
    // A failed send is not a failed fetch.
    expect(await feedOf("olx", "wroclaw")).toMatchObject({ consecutiveFailures: 0, lastSuccessAt: storedAt });

    h.deps.queue = real;
    h.clock.now = storedAt + SWEEP_GRACE_MS - 1;
    expect((await h.tick()).swept).toBe(0);
    h.clock.now = storedAt + SWEEP_GRACE_MS + 1;
    expect((await h.tick()).swept).toBe(3);
    for (const l of await listingsOf("olx", published)) expect(l.enqueuedAt).toBe(h.clock.now);
  });
});

describe("runTick: the same ad on both sites", () => {
  it("stores an OLX cross-post of an Otodom ad already stored as a duplicate and never queues it", async ({ expect }) => {
    const h = harness();
    const user = await mockUser();
    await seedSearch(user.id, { city: "krakow", source: null, deal: "sale", property: "flat" });
    await h.tick(); // both feeds' (empty) baselines

    // Otodom publishes an ad: sent.
    const [otodomId] = h.otodom.publish(1, h.clock.now);
    h.clock.now += h.intervalMs;
    expect(await h.tick()).toMatchObject({ fetched: 2, queued: 1 });
    const [original] = await listingsOf("otodom", otodomId === undefined ? [] : [otodomId]);
    if (!original || otodomId === undefined) throw new Error("the Otodom ad was not stored");
    expect(original).toMatchObject({ notify: true, duplicateOf: null, dedupKey: `otodom:${toBase62(otodomId)}` });
    expect(original.enqueuedAt).not.toBeNull();

    // The same ad shows up on OLX as an Otodom partner ad.
    const slug = h.otodom.listings.find((l) => l.id === otodomId)?.item.slug;
    expect(typeof slug).toBe("string");
    const [olxId] = h.olx.publish(1, h.clock.now, OLX_KRAKOW_SALE);
    const crossPost = h.olx.listings.find((l) => l.id === olxId);
    if (!crossPost || olxId === undefined) throw new Error("the OLX fake did not publish");
    crossPost.offer.partner = { code: "otodom_pl" };
    crossPost.offer.external_url = `https://www.otodom.pl/pl/oferta/${String(slug)}`;

    h.clock.now += h.intervalMs;
    expect(await h.tick()).toMatchObject({ fetched: 2, queued: 0 });
    const [copy] = await listingsOf("olx", [olxId]);
    expect(copy).toMatchObject({ dedupKey: original.dedupKey, duplicateOf: original.id, notify: false, enqueuedAt: null });
    expect((await feedOf("olx", "krakow", "sale")).lastNew).toBe(0);

    // Not even the sweep sends it.
    h.clock.now += SWEEP_GRACE_MS + 1;
    expect((await h.tick()).swept).toBe(0);
    expect((await listingsOf("olx", [olxId]))[0]?.enqueuedAt).toBeNull();
  });
  it("keeps paging past a page whose oldest listing is new but a duplicate", async ({ expect }) => {
    const h = harness();
    const user = await mockUser();
    await seedSearch(user.id, { city: "krakow", source: null, deal: "sale", property: "flat" });
    await h.tick();
    const [otodomId] = h.otodom.publish(1, h.clock.now);
    h.clock.now += h.intervalMs;
    await h.tick();
    const slug = h.otodom.listings.find((l) => l.id === otodomId)?.item.slug;
    expect(typeof slug).toBe("string");

    // More than a page of new OLX listings; the oldest one on page 1 is the Otodom ad's cross-post.
    const many = h.olx.publish(OLX_PAGE_SIZE + 5, h.clock.now, OLX_KRAKOW_SALE);
    const crossPostId = many[many.length - OLX_PAGE_SIZE];
    const crossPost = h.olx.listings.find((l) => l.id === crossPostId);
    if (!crossPost || crossPostId === undefined) throw new Error("the OLX fake did not publish");
    crossPost.offer.partner = { code: "otodom_pl" };
    crossPost.offer.external_url = `https://www.otodom.pl/pl/oferta/${String(slug)}`;

    const requests = h.olx.requests;
    h.clock.now += h.intervalMs;
    expect(await h.tick()).toMatchObject({ fetched: 2, queued: many.length - 1 });
    expect(h.olx.requests).toBe(requests + 2);
    const stored = await listingsOf("olx", many);
    expect(stored.filter((l) => l.enqueuedAt === h.clock.now)).toHaveLength(many.length - 1);
    expect(stored.find((l) => l.externalId === String(crossPostId))).toMatchObject({ notify: false, enqueuedAt: null });
    expect(stored.find((l) => l.externalId === String(crossPostId))?.duplicateOf).not.toBeNull();
  });
});

describe("runTick: listings that disappear", () => {
  it(`marks a listing inactive once its feed has not shown it for ${STALE_CYCLES + REFRESH_CYCLES} cycles, rewrites a listing still shown only every ${REFRESH_CYCLES}, and reactivates one that reappears`, async ({ expect }) => {
    const h = harness({ olxInitial: 2 });
    await watchOlxWroclaw();
    await h.tick(); // cycle 1: both seen
    const [gone, stays] = h.olx.listings;
    if (!gone || !stays) throw new Error("the OLX fake has no initial listings");

    // The ad leaves the search (another city), as if taken down.
    const cityIdBefore = gone.target.cityId;
    gone.target.cityId = -1;
    const last = STALE_CYCLES + REFRESH_CYCLES + 1;
    for (let cycle = 2; cycle <= last; cycle++) {
      h.clock.now += h.intervalMs;
      await h.tick();
      // The one still shown, unchanged, is not rewritten until REFRESH_CYCLES cycles have passed.
      if (cycle === REFRESH_CYCLES) expect((await listingsOf("olx", [stays.id]))[0]).toMatchObject({ lastSeenCycle: 1 });
      if (cycle === REFRESH_CYCLES + 1) expect((await listingsOf("olx", [stays.id]))[0]).toMatchObject({ lastSeenCycle: REFRESH_CYCLES + 1 });
    }
    expect((await feedOf("olx", "wroclaw")).cycle).toBe(last);
    expect((await listingsOf("olx", [gone.id]))[0]?.inactiveAt).toBeNull();

    h.clock.now += h.intervalMs;
    const retiredAt = h.clock.now;
    await h.tick();
    expect((await listingsOf("olx", [gone.id]))[0]).toMatchObject({ inactiveAt: retiredAt, lastSeenCycle: 1 });
    expect((await listingsOf("olx", [stays.id]))[0]).toMatchObject({ inactiveAt: null });
    expect((await listingsOf("olx", [stays.id]))[0]?.lastSeenCycle).toBeGreaterThanOrEqual(last + 1 - REFRESH_CYCLES);

    // It comes back: active again, and not sent a second time.
    gone.target.cityId = cityIdBefore;
    h.clock.now += h.intervalMs;
    expect(await h.tick()).toMatchObject({ fetched: 1, queued: 0 });
    expect((await listingsOf("olx", [gone.id]))[0]).toMatchObject({ inactiveAt: null, lastSeenCycle: last + 2, notify: false, enqueuedAt: null });
  });
});

describe("runTick: listings seen again", () => {
  it("rewrites a listing still shown only when its price changed, and never queues it again", async ({ expect }) => {
    const h = harness({ olxInitial: 2 });
    await watchOlxWroclaw();
    await h.tick(); // cycle 1: the baseline
    const [cut, same] = h.olx.listings;
    if (!cut || !same) throw new Error("the OLX fake has no initial listings");
    const price = (cut.offer.params as { key: string; value: { value: number } }[]).find((p) => p.key === "price");
    if (!price) throw new Error("the OLX template has no price param");
    price.value.value -= 100;

    h.clock.now += h.intervalMs;
    expect(await h.tick()).toMatchObject({ fetched: 1, queued: 0 });
    expect((await listingsOf("olx", [cut.id]))[0]).toMatchObject({ price: price.value.value, lastSeenCycle: 2, seenCount: 2, notify: false });
    expect((await listingsOf("olx", [same.id]))[0]).toMatchObject({ lastSeenCycle: 1, seenCount: 1 });
  });
});

describe("runTick: paging", () => {
  it("reads further pages only while the oldest listing of a page is new, and at most MAX_PAGES", async ({ expect }) => {
    const h = harness({ olxInitial: 5 });
    await watchOlxWroclaw();
    await h.tick();
    expect(h.olx.requests).toBe(1);

    // More new listings than one page holds: page 2 is read, all of them are sent.
    const many = h.olx.publish(OLX_PAGE_SIZE + 5, h.clock.now);
    h.clock.now += h.intervalMs;
    expect(await h.tick()).toMatchObject({ fetched: 1, queued: many.length });
    expect(h.olx.requests).toBe(3);
    for (const l of await listingsOf("olx", many)) expect(l).toMatchObject({ notify: true, enqueuedAt: h.clock.now });

    // A few: page 1 is enough.
    const few = h.olx.publish(3, h.clock.now);
    h.clock.now += h.intervalMs;
    expect(await h.tick()).toMatchObject({ fetched: 1, queued: few.length });
    expect(h.olx.requests).toBe(4);

    // A flood: reading stops at MAX_PAGES.
    h.olx.publish(OLX_PAGE_SIZE * MAX_PAGES + 10, h.clock.now);
    h.clock.now += h.intervalMs;
    expect(await h.tick()).toMatchObject({ fetched: 1, queued: OLX_PAGE_SIZE * MAX_PAGES });
    expect(h.olx.requests).toBe(4 + MAX_PAGES);
  });
});
