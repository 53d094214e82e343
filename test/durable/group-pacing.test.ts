import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { telegramFailures } from "../../sim/fake-telegram.ts";
import type { Notifier } from "../../src/durable/notifier.ts";
import { CHAT_GAP_MS, GROUP_GAP_MS } from "../../src/durable/pacing.ts";
import { type Recipient, notifierKey } from "../../src/model/recipient.ts";
import { type TestClock, installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { upsertChat } from "../../src/db/chats.ts";
import { db, seedSearch } from "../helpers/seed.ts";
import { drain, runNextSend } from "../helpers/notifier.ts";
import { seedDeliveries, seedRecipient } from "./seed.ts";

/** The Notifier of the recipient's chat (by notifierKey: a group's own), on the test's clock. */
async function chatNotifier(recipient: Recipient, clock: TestClock) {
  const stub = env.NOTIFIER.getByName(String(notifierKey(recipient)));
  await runInDurableObject(stub, (n: Notifier) => {
    n.now = () => clock.now;
    n.random = () => 0;
  });
  return stub;
}

/** Queues `count` listings (fewer than a digest) at once and lets them all go; @returns what reached the chat and when each send was due */
async function sendBurst(group: boolean, count: number) {
  const clock = testClock();
  const { telegram } = installFakeTelegram(clock);
  const owner = await seedRecipient({ digestThreshold: 50 });
  const recipient: Recipient = group ? { ...owner, chatId: -4_200 - owner.userId, group: true } : owner;
  const deliveries = await seedDeliveries(recipient, count, clock.now);
  const stub = await chatNotifier(recipient, clock);
  await stub.deliver(recipient, deliveries);
  const due = await drain(stub, clock);
  return { sent: telegram.messages.filter((m) => m.chat_id === recipient.chatId), due };
}

/** The most messages sent in any window of `ms` starting at a send. */
const mostIn = (times: readonly number[], ms: number) => Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + ms).length));

describe("Notifier: a group chat's pacing", () => {
  it("sends N queued messages to a group no faster than one per 3 s (20 a minute), a private chat's at one a second", async ({ expect }) => {
    const N = 12;
    const group = await sendBurst(true, N);
    expect(group.sent).toHaveLength(N);
    expect(group.sent.every((m) => m.method === "sendPhoto")).toBe(true);
    const times = group.sent.map((m) => m.at);
    expect(mostIn(times, GROUP_GAP_MS)).toBe(1);
    expect(mostIn(times, 60_000)).toBeLessThanOrEqual(20);
    for (let i = 1; i < group.due.length; i++) expect((group.due[i] ?? 0) - (group.due[i - 1] ?? 0)).toBeGreaterThanOrEqual(GROUP_GAP_MS);

    const own = await sendBurst(false, N);
    expect(own.sent).toHaveLength(N);
    expect(mostIn(own.sent.map((m) => m.at), GROUP_GAP_MS)).toBe(GROUP_GAP_MS / CHAT_GAP_MS);
  });
});

describe("Notifier: a group the bot is no longer in", () => {
  it("takes Telegram's 403 as the bot's removal: the group's searches go back to their owner, who is not marked blocked", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const owner = await seedRecipient();
    const chatId = -4_300 - owner.userId;
    await upsertChat(db(), { chatId, title: "Us", type: "group", addedBy: owner.userId, now: 0 });
    const search = await seedSearch(owner.userId, { city: "warszawa", chatId });
    const recipient: Recipient = { ...owner, chatId, group: true };
    const stub = await chatNotifier(recipient, clock);
    await stub.deliver(recipient, await seedDeliveries(recipient, 2, clock.now));
    telegram.failNext(1, { error_code: 403, description: "Forbidden: bot was kicked from the group chat" });
    await runNextSend(stub, clock);

    const user = await env.DB.prepare("SELECT blocked_at FROM users WHERE id = ?").bind(owner.userId).first();
    expect(user).toEqual({ blocked_at: null });
    expect(await env.DB.prepare("SELECT chat_id FROM saved_searches WHERE id = ?").bind(search.id).first()).toEqual({ chat_id: null });
    expect(await env.DB.prepare("SELECT left_at FROM chats WHERE chat_id = ?").bind(chatId).first()).toEqual({ left_at: clock.now });
    expect((await stub.inspect()).counts.queued).toBe(0);
  });
});
