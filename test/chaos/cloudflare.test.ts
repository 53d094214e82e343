/**
 * The Cloudflare faults of issue 15 that `npm run chaos` cannot cause from
 * outside `wrangler dev` (bench/chaos.ts lists them as covered here): each is
 * injected at the code boundary, against Miniflare's real D1, Queues and
 * Durable Objects, and judged by counts: every expected message sent once,
 * every notification row sent once.
 */
import { createExecutionContext, createMessageBatch, evictDurableObject, getQueueResult, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeEach, describe, it } from "vitest";
import { createFakeOlx } from "../../sim/fake-olx.ts";
import { listings, notifications } from "../../src/db/schema.ts";
import type { Notifier } from "../../src/durable/notifier.ts";
import worker from "../../src/index.ts";
import type { NewListingsMessage } from "../../src/model/queue-message.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { faultyD1 } from "../helpers/faulty-d1.ts";
import { grunwaldzkiOffer } from "../helpers/listings.ts";
import { drain, notifierFor, runNextSend } from "../helpers/notifier.ts";
import { pollerOf, resetPollers, runReconcile, setPollerClock } from "../helpers/pollers.ts";
import { db, resetDb, seedSearch, seedUser, storeAsThePoller } from "../helpers/seed.ts";
import { json, raw } from "../sources/fixtures.ts";

const QUEUE = "getmeone-new-listings";

beforeEach(async () => {
  await resetDb();
  await resetPollers();
});

/** `n` new Wrocław rentals stored as the poller stores them; their ids. */
async function stored(n: number): Promise<number[]> {
  const base = 700_000_000 + Math.floor(Math.random() * 1e6) * 10;
  return storeAsThePoller(
    Array.from({ length: n }, (_, i) => ({ ...grunwaldzkiOffer, externalId: String(base + i), url: grunwaldzkiOffer.url.replace(/-ID\w+\.html$/, `-ID${base + i}.html`), publishedAt: Date.now() - 60_000 })),
    { seenAt: Date.now(), city: "wroclaw" },
  );
}

const message = (listingIds: number[]) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: { listingIds, feedId: 1, enqueuedAt: Date.now() } satisfies NewListingsMessage });

/** One queue delivery through the Worker's own handler; what it acked and retried. */
async function deliver(messages: ReturnType<typeof message>[], bindings: Env = env) {
  const batch = createMessageBatch(QUEUE, messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, bindings, ctx);
  return getQueueResult(batch, ctx);
}

/** A real user (not mock) wanting Wrocław rentals, their Notifier on the test clock. */
async function wroclawUser(clock: ReturnType<typeof testClock>) {
  const user = await seedUser();
  await seedSearch(user.id, { city: "wroclaw" });
  const { stub } = await notifierFor({ userId: user.id, chatId: user.chatId, language: user.language, isMock: false, quietHours: null, digestThreshold: null }, clock);
  return { user, stub: stub as DurableObjectStub<Notifier> };
}

/** The user's notification rows: every one sent, none twice. */
async function rowsOf(userId: number) {
  return db().select().from(notifications).where(eq(notifications.userId, userId));
}

describe("chaos: the queue", () => {
  it("a batch delivered twice, the second time reversed: one message per listing", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const { user, stub } = await wroclawUser(clock);
    const [a, b, c, d] = await stored(4);
    const first = [message([a!, b!]), message([c!, d!])];
    expect((await deliver(first)).explicitAcks).toHaveLength(2);
    // The same two messages again, in the other order and each list reversed (at-least-once, no order).
    expect((await deliver(first.map((m) => ({ ...m, attempts: 2, body: { ...m.body, listingIds: [...m.body.listingIds].reverse() } })).reverse())).explicitAcks).toHaveLength(2);
    await drain(stub, clock);
    expect(telegram.messages).toHaveLength(4);
    expect(new Set(telegram.messages.map((m) => JSON.stringify(m.reply_markup))).size).toBe(4);
    const rows = await rowsOf(user.id);
    expect(rows.map((r) => r.status)).toEqual(["sent", "sent", "sent", "sent"]);
  });

  it("a consumer that throws half-way (every Notifier unreachable after the matches were written) is retried and sends once", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const { user, stub } = await wroclawUser(clock);
    const ids = await stored(3);
    const down = { getByName: () => ({ deliver: () => Promise.reject(new Error("Durable Object reset because its code was updated")) }) } as unknown as Env["NOTIFIER"];
    const failed = await deliver([message(ids)], { ...env, NOTIFIER: down });
    expect(failed.retryMessages).toHaveLength(1);
    expect(await rowsOf(user.id)).toHaveLength(3); // matched, not handed
    expect((await deliver([{ ...message(ids), attempts: 2 }])).explicitAcks).toHaveLength(1);
    await drain(stub, clock);
    expect(telegram.messages).toHaveLength(3);
    expect((await rowsOf(user.id)).every((r) => r.status === "sent")).toBe(true);
  });

  for (const [where, fails] of [
    ["the matches' insert", /INSERT INTO notifications/i],
    ["the listings marked filtered, after the Notifiers took the matches", /UPDATE listings SET filtered_at/i],
  ] as const) {
    it(`one D1 statement failing inside the filter's batch (${where}): retried, nothing lost, nothing twice`, async ({ expect }) => {
      const clock = testClock();
      const { telegram } = installFakeTelegram(clock);
      const { user, stub } = await wroclawUser(clock);
      const ids = await stored(3);
      const d1 = faultyD1(env.DB, fails);
      const failed = await deliver([message(ids)], { ...env, DB: d1.db });
      expect(d1.state.refused).toBe(1);
      expect(failed.retryMessages).toHaveLength(1);
      expect((await deliver([{ ...message(ids), attempts: 2 }])).explicitAcks).toHaveLength(1);
      await drain(stub, clock);
      expect(telegram.messages).toHaveLength(3);
      const rows = await rowsOf(user.id);
      expect(rows).toHaveLength(3);
      expect(rows.every((r) => r.status === "sent")).toBe(true);
    });
  }
});

describe("chaos: Durable Objects", () => {
  it("a Notifier evicted between two sends picks up where it was: each message once", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const { user, stub } = await wroclawUser(clock);
    await deliver([message(await stored(3))]);
    await runNextSend(stub, clock);
    expect(telegram.messages).toHaveLength(1);
    await evictDurableObject(stub);
    const again = await notifierFor({ userId: user.id, chatId: user.chatId, language: user.language, isMock: false, quietHours: null, digestThreshold: null }, clock);
    await drain(again.stub as DurableObjectStub<Notifier>, clock);
    expect(telegram.messages).toHaveLength(3);
    expect(new Set(telegram.messages.map((m) => JSON.stringify(m.reply_markup))).size).toBe(3);
    expect((await rowsOf(user.id)).every((r) => r.status === "sent")).toBe(true);
  });

  it("two grants at the same instant (a restarted scheduler's and the old one's) send once", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const { stub } = await wroclawUser(clock);
    await deliver([message(await stored(1))]);
    const reports = await Promise.all([stub.sendNext({ paid: false }), stub.sendNext({ paid: false })]);
    await drain(stub, clock);
    expect(telegram.messages).toHaveLength(1);
    expect(reports.filter((r) => r.answeredAt !== null)).toHaveLength(1);
  });

  it("two polls of one feed at once (an alarm overlapping the previous one) store and queue each listing once", async ({ expect }) => {
    const clock = { now: Date.UTC(2098, 0, 1) };
    const olx = createFakeOlx({ offers: [json(raw.olxApiOffer)], envelope: json(raw.olxUzSearch), initial: 2, now: clock.now - 60_000 });
    installFakeTelegram(testClock(), {}, { [new URL(env.OLX_BASE_URL).origin]: olx.handle });
    const user = await seedUser({ isMock: true });
    await seedSearch(user.id, { city: "wroclaw", source: "olx", deal: "rent", property: "flat" });
    const stub = pollerOf({ source: "olx", deal: "rent", property: "flat" });
    await setPollerClock(stub, clock);
    await runReconcile(clock.now);
    await runDurableObjectAlarm(stub); // baseline
    const fresh = olx.publish(3, clock.now);
    clock.now += 5_000;
    await Promise.all([runDurableObjectAlarm(stub), runDurableObjectAlarm(stub), runReconcile(clock.now), runReconcile(clock.now)]);
    const rows = await db().select().from(listings);
    const added = rows.filter((l) => fresh.map(String).includes(l.externalId));
    expect(added).toHaveLength(3);
    expect(added.every((l) => l.enqueuedAt !== null)).toBe(true);
    expect((await stub.stats())?.newListings).toBe(3);
  });
});
