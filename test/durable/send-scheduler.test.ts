import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import type { SendScheduler } from "../../src/durable/send-scheduler.ts";
import { BULK_FANOUT, type Enlisted } from "../../src/model/dispatch.ts";
import type { Recipient } from "../../src/model/recipient.ts";
import { telegramFailures } from "../../sim/fake-telegram.ts";
import { type TestClock, installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { notifierFor, seedDeliveries, seedRecipient } from "./seed.ts";

/**
 * The one scheduler on the test's clock, its waits virtual: a sleep moves the
 * clock instead of waiting, so a minute of sending runs in a moment. Sends in
 * flight are real RPCs to real Notifiers.
 */
async function schedulerOn(clock: TestClock) {
  const stub = env.SEND_SCHEDULER.getByName("global");
  let draw = 0;
  await runInDurableObject(stub, (s: SendScheduler) => {
    s.now = () => clock.now;
    s.sleep = async (ms) => {
      clock.now += Math.max(1, ms);
    };
    s.random = () => (draw = (draw * 7919 + 104729) % 1_000_003) / 1_000_003;
  });
  return stub;
}

/** Runs the scheduler's loop until it has nothing left to send soon. */
async function runScheduler(stub: DurableObjectStub<SendScheduler>): Promise<void> {
  await runDurableObjectAlarm(stub);
}

/** Users with `count` matches each handed over to their Notifier, from listings that went to `fanout` users. */
async function usersWithMatches(clock: TestClock, users: number, count: number, fanout = 1) {
  const out: { recipient: Recipient; entry: Enlisted }[] = [];
  for (let i = 0; i < users; i++) {
    const recipient = await seedRecipient();
    const deliveries = (await seedDeliveries(recipient, count, clock.now)).map((d) => ({ ...d, fanout }));
    const { stub } = await notifierFor(recipient, clock, (n) => {
      n.digestThreshold = 100;
    });
    const { next } = await stub.deliver(recipient, deliveries);
    if (!next) throw new Error("nothing queued");
    out.push({ recipient, entry: { userId: recipient.userId, ...next } });
  }
  return out;
}

/** The most arrivals in any second. */
function busiestSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe("SendScheduler: Telegram's limits", () => {
  it("sends 40 users' 3 messages each under 30 a second, 1 s apart per chat, with no 429", { timeout: 60_000 }, async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const scheduler = await schedulerOn(clock);
    const users = await usersWithMatches(clock, 40, 3);
    await scheduler.enlist(users.map((u) => u.entry));
    await runScheduler(scheduler);

    expect(telegram.messages).toHaveLength(120);
    expect(telegram.calls.every((c) => c.ok)).toBe(true);
    expect(busiestSecond(telegram.messages.map((m) => m.at))).toBeLessThanOrEqual(30);
    for (const { recipient } of users) {
      const times = telegram.messages.filter((m) => m.chat_id === recipient.chatId).map((m) => m.at);
      expect(times).toHaveLength(3);
      for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000);
    }
    expect(await scheduler.inspect()).toEqual({ waiting: 0, inFlight: 0, running: false });
  });

  it("holds every send after a 429 until retry_after has passed, then sends each message once", { timeout: 30_000 }, async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    telegram.failNext(1, telegramFailures.tooManyRequests(5));
    const scheduler = await schedulerOn(clock);
    const users = await usersWithMatches(clock, 10, 1);
    const t0 = clock.now;
    await scheduler.enlist(users.map((u) => u.entry));
    await runScheduler(scheduler);

    expect(telegram.messages).toHaveLength(10);
    const refused = telegram.calls.find((c) => c.error_code === 429);
    expect(refused).toBeDefined();
    // Whatever was in flight with the refused one came back; nothing started in the next 5 s.
    const late = telegram.calls.filter((c) => c.at > (refused?.at ?? 0) && c.at < (refused?.at ?? 0) + 5000);
    expect(late.length).toBeLessThanOrEqual(30);
    expect(telegram.messages.filter((m) => m.at >= t0 + 5000).length).toBeGreaterThan(0);
    expect(new Set(telegram.messages.map((m) => m.chat_id)).size).toBe(10);
  });
});

describe("SendScheduler: fairness under a burst", () => {
  it("serves steady users ahead of a burst's fan-out, and the burst still drains", { timeout: 120_000 }, async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const scheduler = await schedulerOn(clock);
    // A cheap flat that 150 users wanted, handed over first; then 20 ordinary matches.
    const burst = await usersWithMatches(clock, 150, 1, BULK_FANOUT + 50);
    await scheduler.enlist(burst.map((u) => u.entry));
    const steady = await usersWithMatches(clock, 20, 1);
    await scheduler.enlist(steady.map((u) => u.entry));
    const t0 = clock.now;
    await runScheduler(scheduler);

    expect(telegram.messages).toHaveLength(170);
    expect(telegram.calls.every((c) => c.ok)).toBe(true);
    const order = telegram.messages.map((m) => m.chat_id);
    const steadyChats = new Set(steady.map((u) => u.recipient.chatId));
    const steadyPlaces = order.flatMap((chat, i) => (steadyChats.has(chat) ? [i] : []));
    // Steady users go first, one bulk send in STEADY_PER_BULK + 1 meanwhile: all 20 within the first 20 + 5 + a window in flight.
    expect(Math.max(...steadyPlaces)).toBeLessThan(20 + 5 + 30);
    const steadyDone = Math.max(...telegram.messages.filter((m) => steadyChats.has(m.chat_id)).map((m) => m.at));
    expect(steadyDone - t0).toBeLessThan(3000);
    // The burst is not starved: it had sends while steady ones were waiting.
    expect(steadyPlaces.at(-1)).toBeGreaterThan(steadyPlaces.length - 1);
  });
});

describe("Notifier: lanes", () => {
  it("sends a burst user's ordinary match ahead of the burst's, and waits in the bulk lane only for the burst's", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const [fromBurst, ordinary] = await seedDeliveries(recipient, 2, clock.now);
    if (!fromBurst || !ordinary) throw new Error("not seeded");
    const { stub } = await notifierFor(recipient, clock);
    expect((await stub.deliver(recipient, [{ ...fromBurst, fanout: 2000 }])).next?.lane).toBe("bulk");
    expect((await stub.deliver(recipient, [ordinary])).next).toEqual({ readyAt: clock.now, lane: "steady" });

    const report = await stub.sendNext({ paid: false });
    expect(telegram.messages.map((m) => m.photo)).toEqual([ordinary.listing.photoUrl]);
    expect(report.next).toEqual({ readyAt: clock.now + 1000, lane: "bulk" });
  });
});

describe("SendScheduler: restarts", () => {
  it("keeps who is waiting across an eviction, and asks each Notifier when it may really send", { timeout: 30_000 }, async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    let scheduler = await schedulerOn(clock);
    const users = await usersWithMatches(clock, 5, 2);
    await scheduler.enlist(users.map((u) => u.entry));
    await evictDurableObject(scheduler);

    scheduler = await schedulerOn(clock);
    expect((await scheduler.inspect()).waiting).toBe(5);
    await runScheduler(scheduler);
    expect(telegram.messages).toHaveLength(10);
    expect(telegram.calls.every((c) => c.ok)).toBe(true);
    expect((await scheduler.inspect()).waiting).toBe(0);
  });

  it("enlisting twice, or a Notifier with nothing left, sends nothing twice", { timeout: 30_000 }, async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const scheduler = await schedulerOn(clock);
    const users = await usersWithMatches(clock, 3, 1);
    const entries = users.map((u) => u.entry);
    await scheduler.enlist(entries);
    await scheduler.enlist(entries);
    await runScheduler(scheduler);
    await scheduler.enlist(entries); // stale: their outboxes are empty now
    await runScheduler(scheduler);
    expect(telegram.messages).toHaveLength(3);
    expect((await scheduler.inspect()).waiting).toBe(0);
  });
});

describe("Notifier: paid broadcasts", () => {
  it("sends a paid grant with allow_paid_broadcast, and a free one without", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const [one, two] = await usersWithMatches(clock, 2, 1);
    if (!one || !two) throw new Error("not seeded");
    await env.NOTIFIER.getByName(String(one.recipient.userId)).sendNext({ paid: true });
    await env.NOTIFIER.getByName(String(two.recipient.userId)).sendNext({ paid: false });
    expect(telegram.messages.map((m) => [m.chat_id, m.paid])).toEqual([
      [one.recipient.chatId, true],
      [two.recipient.chatId, false],
    ]);
  });
});
