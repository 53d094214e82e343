import { createMessageBatch, getQueueResult } from "cloudflare:test";
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeEach, describe, it } from "vitest";
import { notifications } from "../../src/db/schema.ts";
import type { Notifier } from "../../src/durable/notifier.ts";
import { ENLIST_WAVE, filterListings } from "../../src/filter/consume.ts";
import type { NewListingsMessage } from "../../src/model/queue-message.ts";
import { SearchCache } from "../../src/filter/search-cache.ts";
import { retryDelaySeconds } from "../../src/filter/queue-handler.ts";
import worker from "../../src/index.ts";
import type { Listing } from "../../src/model/listing.ts";
import { countingD1 } from "../helpers/count-d1.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { db, rental, resetDb, seedSearch, seedUser, storeAsThePoller } from "../helpers/seed.ts";
import { drain, notifierFor } from "../helpers/notifier.ts";
import type { Enlisted } from "../../src/model/dispatch.ts";

const QUEUE = "getmeone-new-listings";

beforeEach(resetDb);

/** Stores `n` new listings in Wrocław as the OLX rentals feed's poller would; returns their ids. */
async function storeListings(n: number, fields: (i: number) => Partial<Listing> = () => ({})): Promise<number[]> {
  const base = Math.floor(Math.random() * 1e6);
  return storeAsThePoller(
    Array.from({ length: n }, (_, i) => rental(base + i, fields(i))),
    { seenAt: Date.now(), city: "wroclaw" },
  );
}

function message(listingIds: number[]): { id: string; timestamp: Date; attempts: number; body: NewListingsMessage } {
  return { id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: { listingIds, feedId: 1, enqueuedAt: Date.now() } };
}

/** The scheduler is not under test here: who would be enlisted is enough. */
const noEnlist = async () => {};

describe("filter: D1 round trips", () => {
  it("uses the same number of queries for a batch of 1 and of 100 listings", async ({ expect }) => {
    const users = await Promise.all(Array.from({ length: 5 }, () => seedUser({ isMock: true })));
    for (const u of users) await seedSearch(u.id, { city: "wroclaw", priceMax: 10_000 });

    const counts: number[] = [];
    for (const size of [1, 100]) {
      const ids = await storeListings(size);
      const { db: counted, counter } = countingD1(env.DB);
      const result = await filterListings(ids, { d1: counted, notifier: env.NOTIFIER, enlist: noEnlist, cache: new SearchCache(), clock: Date.now });
      expect(result.matches).toBe(size * users.length);
      expect(result.handedOver).toBe(size * users.length);
      counts.push(counter.roundTrips);
    }
    expect(counts[0]).toBe(counts[1]);
    // listings + version, searches, centroids, matches + pending, listings marked filtered
    expect(counts[0]).toBe(5);

    // Warm cache, same version: the search and centroid queries disappear.
    const cache = new SearchCache();
    await filterListings(await storeListings(1), { d1: env.DB, notifier: env.NOTIFIER, enlist: noEnlist, cache, clock: Date.now });
    const { db: counted, counter } = countingD1(env.DB);
    await filterListings(await storeListings(50), { d1: counted, notifier: env.NOTIFIER, enlist: noEnlist, cache, clock: Date.now });
    expect(counter.roundTrips).toBe(3);
  });
});

describe("filter: a burst in the batch", () => {
  it("hands over and enlists the ordinary match first, then the burst's users in waves, in the bulk lane", { timeout: 60_000 }, async ({ expect }) => {
    const burstUsers = ENLIST_WAVE + 10;
    for (let i = 0; i < burstUsers; i++) {
      const u = await seedUser({ isMock: true });
      await seedSearch(u.id, { city: "wroclaw", priceMax: 1_500 });
    }
    const steady = await seedUser({ isMock: true });
    await seedSearch(steady.id, { city: "wroclaw", priceMin: 4_000 });
    // One cheap flat every burst user wants, and one ordinary listing, in one batch.
    const ids = await storeListings(2, (i) => ({ price: i === 0 ? 1_200 : 4_500 }));

    const calls: Enlisted[][] = [];
    const result = await filterListings(ids, {
      d1: env.DB,
      notifier: env.NOTIFIER,
      enlist: async (entries) => void calls.push([...entries]),
      cache: new SearchCache(),
      clock: Date.now,
    });
    expect(result).toMatchObject({ matches: burstUsers + 1, handedOver: burstUsers + 1, failedUsers: 0 });
    expect(calls.map((c) => c.length)).toEqual([ENLIST_WAVE, burstUsers + 1 - ENLIST_WAVE]);
    expect(calls[0]?.[0]).toMatchObject({ userId: steady.id, lane: "steady" });
    expect(calls.flat().filter((e) => e.userId !== steady.id).every((e) => e.lane === "bulk")).toBe(true);
  });
});

describe("filter: exactly once", () => {
  it("sends one message when the same queue batch is delivered twice", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const user = await seedUser();
    await seedSearch(user.id, { city: "wroclaw" });
    // A second search of the same user matching the same listings: still one message each.
    await seedSearch(user.id, { city: "wroclaw", name: "balkon", includeKeywords: ["Balkon"] });
    const { stub } = await notifierFor({ userId: user.id, chatId: user.chatId, language: user.language, isMock: false, quietHours: null, digestThreshold: null }, clock);
    const ids = await storeListings(3);

    for (let delivery = 0; delivery < 2; delivery++) {
      const batch = createMessageBatch(QUEUE, [message(ids)]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env, ctx);
      const result = await getQueueResult(batch, ctx);
      expect(result.explicitAcks).toHaveLength(1);
      expect(result.retryMessages).toEqual([]);
    }
    await drain(stub as DurableObjectStub<Notifier>, clock);

    expect(telegram.messages).toHaveLength(3);
    const rows = await db().select().from(notifications).where(eq(notifications.userId, user.id));
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.status === "sent" && r.handedAt !== null)).toBe(true);
  });

  it("matches only the users whose searches fit, and skips paused users", async ({ expect }) => {
    const fits = await seedUser({ isMock: true });
    await seedSearch(fits.id, { city: "wroclaw", priceMax: 2600, districts: ["krzyki"] });
    const tooCheap = await seedUser({ isMock: true });
    await seedSearch(tooCheap.id, { city: "wroclaw", priceMax: 1000 });
    const otherDistrict = await seedUser({ isMock: true });
    await seedSearch(otherDistrict.id, { city: "wroclaw", districts: ["Śródmieście"] });
    const paused = await seedUser({ isMock: true, paused: true });
    await seedSearch(paused.id, { city: "wroclaw" });
    const ids = await storeListings(1);

    const result = await filterListings(ids, { d1: env.DB, notifier: env.NOTIFIER, enlist: noEnlist, cache: new SearchCache(), clock: Date.now });
    expect(result.matches).toBe(1);
    const rows = await db().select().from(notifications);
    expect(rows.map((r) => r.userId)).toEqual([fits.id]);
  });
});

describe("filter: failures", () => {
  it("records a malformed message as a dead letter and still processes the rest", async ({ expect }) => {
    const user = await seedUser({ isMock: true });
    await seedSearch(user.id, { city: "wroclaw" });
    const ids = await storeListings(2);
    const bad = { id: "bad", timestamp: new Date(), attempts: 1, body: { listingIds: "not a list" } };
    const batch = createMessageBatch<unknown>(QUEUE, [bad, message(ids)]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["bad", batch.messages[1]?.id].sort());
    const dead = await env.DB.prepare("SELECT queue, body FROM dead_letters").all<{ queue: string; body: string }>();
    expect(dead.results).toEqual([{ queue: QUEUE, body: JSON.stringify(bad.body) }]);
    expect(await db().select().from(notifications)).toHaveLength(2);
  });

  it("retries with a delay when a user's Notifier cannot be reached, and the retry queues each match once", async ({ expect }) => {
    const ok = await seedUser({ isMock: true });
    await seedSearch(ok.id, { city: "wroclaw" });
    const unlucky = await seedUser({ isMock: true });
    await seedSearch(unlucky.id, { city: "wroclaw" });
    const ids = await storeListings(2);

    // The namespace is real; only this one user's object fails, as during a DO outage.
    const flaky = {
      getByName(name: string) {
        if (name === String(unlucky.id)) return { deliver: () => Promise.reject(new Error("Durable Object overloaded")) };
        return env.NOTIFIER.getByName(name);
      },
    } as unknown as Env["NOTIFIER"];
    const first = await filterListings(ids, { d1: env.DB, notifier: flaky, enlist: noEnlist, cache: new SearchCache(), clock: Date.now });
    expect(first).toMatchObject({ matches: 4, handedOver: 2, failedUsers: 1 });

    // Through the queue handler, the same outage means: retry the batch later, with a delay.
    const batch = createMessageBatch(QUEUE, [{ ...message(ids), attempts: 3 }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, NOTIFIER: flaky }, ctx);
    const queued = await getQueueResult(batch, ctx);
    expect(queued.explicitAcks).toEqual([]);
    // (This runtime's QueueResult leaves delaySeconds out; the delay rule is checked below.)
    expect(queued.retryMessages.map((m) => m.msgId)).toEqual([batch.messages[0]?.id]);
    expect([1, 2, 3, 4, 10].map(retryDelaySeconds)).toEqual([5, 10, 20, 40, 300]);

    // The retry hands over every unsent match again; the outbox that has them ignores them.
    const enlisted: Enlisted[] = [];
    const second = await filterListings(ids, {
      d1: env.DB,
      notifier: env.NOTIFIER,
      enlist: async (entries) => void enlisted.push(...entries),
      cache: new SearchCache(),
      clock: Date.now,
    });
    expect(second).toMatchObject({ matches: 4, handedOver: 4, failedUsers: 0 });
    expect(await db().select().from(notifications)).toHaveLength(4);
    for (const user of [ok, unlucky]) {
      expect((await env.NOTIFIER.getByName(String(user.id)).inspect()).counts.queued).toBe(2);
    }
    expect(enlisted.map((e) => e.userId).sort()).toEqual([ok.id, unlucky.id].sort());
    expect(enlisted.every((e) => e.lane === "steady")).toBe(true);
  });
});

describe("filter: price drops of ads already sent", () => {
  it("hands a user told of the flat a price update; the Notifier answers the first message once", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const user = await seedUser();
    await seedSearch(user.id, { city: "wroclaw", priceMax: 10_000 });
    const other = await seedUser();
    await seedSearch(other.id, { city: "wroclaw", priceMax: 10_000 });
    const { stub } = await notifierFor({ userId: user.id, chatId: user.chatId, language: "pl", isMock: false, quietHours: null, digestThreshold: null }, clock);
    const deps = { d1: env.DB, notifier: env.NOTIFIER, enlist: noEnlist, cache: new SearchCache(), clock: Date.now };
    const ad = rental(7, { price: 3000 });

    const ids = await storeAsThePoller([ad], { seenAt: Date.now(), city: "wroclaw" });
    await filterListings(ids, deps);
    await drain(stub, clock);
    // The other user's card failed for good: they were never told of the flat.
    await env.DB.prepare("UPDATE notifications SET status = 'failed' WHERE user_id = ?").bind(other.id).run();
    const othersQueued = async () => (await env.NOTIFIER.getByName(String(other.id)).inspect()).counts.queued;
    expect(await othersQueued()).toBe(1);
    expect(telegram.messages.filter((m) => m.chat_id === user.chatId)).toHaveLength(1);

    // The poller stores the ad again at 2 800 (−6.7 %): it keeps the old price, and queues it as repriced.
    await storeAsThePoller([{ ...ad, price: 2800 }], { seenAt: Date.now(), city: "wroclaw" });
    expect(await env.DB.prepare("SELECT price, previous_price FROM listings WHERE id = ?").bind(ids[0]).first()).toEqual({ price: 2800, previous_price: 3000 });
    const result = await filterListings(ids, deps, ids);
    // No new match (the user has this ad), no new row: the update is the Notifier's own.
    expect(result).toMatchObject({ matches: 2, handedOver: 0 });
    await filterListings(ids, deps, ids); // the queue redelivers the batch
    await drain(stub, clock);

    const toUser = telegram.messages.filter((m) => m.chat_id === user.chatId);
    expect(toUser).toHaveLength(2);
    expect(toUser[1]).toMatchObject({ reply_to: toUser[0]?.message_id });
    expect(toUser[1]?.text).toContain("📉 <b>Cena spadła: 3 000 zł → 2 800 zł (−7 %)</b>");
    expect(await othersQueued()).toBe(1);
  });
});

describe("filter: matches of a search gone since", () => {
  it("leaves a pending match of a deleted search pending, though its user has other searches", async ({ expect }) => {
    const user = await seedUser();
    const gone = await seedSearch(user.id, { city: "wroclaw", priceMax: 10_000 });
    await seedSearch(user.id, { city: "wroclaw", priceMax: 1 });
    const [id] = await storeListings(1);
    if (id === undefined) throw new Error("no listing");
    // An earlier try recorded the match and could not hand it over; the user deleted the search since.
    await env.DB.prepare("INSERT INTO notifications (user_id, listing_id, search_id, matched_at, status) VALUES (?, ?, ?, ?, 'pending')").bind(user.id, id, gone.id, Date.now()).run();
    await env.DB.prepare("DELETE FROM saved_searches WHERE id = ?").bind(gone.id).run();
    const result = await filterListings([id], { d1: env.DB, notifier: env.NOTIFIER, enlist: noEnlist, cache: new SearchCache(), clock: Date.now });
    expect(result).toMatchObject({ matches: 0, handedOver: 0 });
    expect((await env.NOTIFIER.getByName(String(user.id)).inspect()).counts.queued).toBe(0);
    expect((await db().select().from(notifications).where(eq(notifications.listingId, id)))[0]?.status).toBe("pending");
  });
});
