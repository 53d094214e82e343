import { describe, it, beforeEach } from "vitest";
import { muteSearch } from "../../src/telegram/callback-data.ts";
import type { Recipient } from "../../src/model/recipient.ts";
import { alice, chatWith } from "../helpers/bot.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { resetDb, seedSearch, seedUser } from "../helpers/seed.ts";
import { HOUR, NIGHT, drain, lateEvening, notificationRows, notifierFor, seedDeliveries } from "../durable/seed.ts";

beforeEach(resetDb);

/**
 * Alice, registered, with one saved search and three of its matches waiting
 * in her Notifier's outbox (held for her quiet hours, 23:00-07:00).
 */
async function aliceWithWaitingMatches() {
  const clock = testClock();
  clock.now = lateEvening(clock.now);
  const { telegram } = installFakeTelegram(clock);
  const user = await seedUser({ telegramId: alice.id, chatId: alice.id, language: "pl", quietStartMin: NIGHT.startMin, quietEndMin: NIGHT.endMin });
  const search = await seedSearch(user.id, { city: "warszawa", name: "Mokotów" });
  const recipient: Recipient = { userId: user.id, chatId: alice.id, language: "pl", isMock: false, quietHours: NIGHT, digestThreshold: null };
  const deliveries = (await seedDeliveries(recipient, 3, clock.now)).map((d) => ({ ...d, searchId: search.id }));
  const { stub } = await notifierFor(recipient, clock);
  await stub.deliver(recipient, deliveries);
  const ids = deliveries.map((d) => d.notificationId);
  /** What reached Alice's chat after the night, besides the bot's replies to her. */
  const morningMessages = async () => {
    clock.now += 8 * HOUR;
    const before = telegram.messages.length;
    await drain(stub, clock);
    return telegram.messages.slice(before).filter((m) => m.chat_id === alice.id);
  };
  return { clock, telegram, chat: chatWith(telegram, clock), search, ids, morningMessages };
}

const statuses = async (ids: number[]) => (await notificationRows(ids)).map((r) => `${r.status}:${r.error}`);

describe("/pause reaches what is already queued", () => {
  it("drops the messages waiting in the outbox, says how many, and sends nothing after", async ({ expect }) => {
    const { chat, ids, morningMessages } = await aliceWithWaitingMatches();
    await chat.say("/pause");
    expect(chat.last()).toBe(
      "⏸ Powiadomienia wstrzymane. /resume je wznowi (od nowych ogłoszeń); wyszukiwania zostają. Nie wyślę 3 czekających powiadomień.",
    );
    expect(await morningMessages()).toEqual([]);
    expect(await statuses(ids)).toEqual(Array(3).fill("dropped:paused"));

    // /resume starts from new listings: what was dropped stays dropped.
    await chat.say("/resume");
    expect(await morningMessages()).toEqual([]);
    expect(await statuses(ids)).toEqual(Array(3).fill("dropped:paused"));
  });
});

describe("a deleted or muted search takes its queued messages with it", () => {
  it("drops them when the search is deleted from /list", async ({ expect }) => {
    const { chat, search, ids, morningMessages } = await aliceWithWaitingMatches();
    await chat.press(`s:D:${search.id}`);
    expect(await morningMessages()).toEqual([]);
    expect(await statuses(ids)).toEqual(Array(3).fill("dropped:search_removed"));
  });

  it("drops them when the search is muted from a notification's button", async ({ expect }) => {
    const { chat, search, ids, morningMessages } = await aliceWithWaitingMatches();
    await chat.press(muteSearch.data(search.id));
    expect(await morningMessages()).toEqual([]);
    expect(await statuses(ids)).toEqual(Array(3).fill("dropped:search_removed"));
  });

  it("still sends them when nothing was changed (the digest after the night)", async ({ expect }) => {
    const { ids, morningMessages } = await aliceWithWaitingMatches();
    expect(await morningMessages()).toHaveLength(1);
    expect(await statuses(ids)).toEqual(Array(3).fill("sent:null"));
  });
});
