import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import { upsertChat } from "../../src/db/chats.ts";
import { filterListings } from "../../src/filter/consume.ts";
import { SearchCache } from "../../src/filter/search-cache.ts";
import type { Enlisted } from "../../src/model/dispatch.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { drain, notifierFor } from "../helpers/notifier.ts";
import { db, rental, resetDb, seedSearch, seedUser, storeAsThePoller } from "../helpers/seed.ts";

beforeEach(async () => {
  await resetDb();
  await env.DB.prepare("DELETE FROM chats").run();
});

const GROUP = -4_012_345_678;

describe("filter: a search that delivers to a group", () => {
  it("hands the group's matches to the group's Notifier; two partners' searches make one message per flat", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const ania = await seedUser();
    const bartek = await seedUser();
    await upsertChat(db(), { chatId: GROUP, title: "Mieszkanie", type: "group", addedBy: ania.id, now: Date.now() });
    await seedSearch(ania.id, { city: "wroclaw", priceMax: 3500, chatId: GROUP });
    await seedSearch(bartek.id, { city: "wroclaw", roomsMin: 2, priceMin: 1500, chatId: GROUP });
    // Bartek's other search still comes to him.
    await seedSearch(bartek.id, { city: "wroclaw", priceMax: 1000 });
    const enlisted: Enlisted[] = [];
    const deps = { d1: env.DB, notifier: env.NOTIFIER, enlist: async (e: readonly Enlisted[]) => void enlisted.push(...e), cache: new SearchCache(), clock: Date.now };

    const ids = await storeAsThePoller([rental(901, { price: 2900 }), rental(902, { price: 1900 }), rental(903, { price: 900 })], { seenAt: Date.now(), city: "wroclaw" });
    const result = await filterListings(ids, deps);
    // Ania's search takes all three to the group; Bartek's the first two there, the third to him.
    expect(result).toMatchObject({ listings: 3, matches: 6, handedOver: 6 });
    // The group's Notifier is keyed by the group's chat id; Bartek's own by his user id.
    expect(enlisted.map((e) => e.userId).sort((a, b) => a - b)).toEqual([GROUP, bartek.id]);

    // notifierFor keys the object by `userId`: the group's is its chat id.
    const quiet = { language: "pl", isMock: false, quietHours: null, digestThreshold: null } as const;
    const group = await notifierFor({ ...quiet, userId: GROUP, chatId: GROUP }, clock);
    const own = await notifierFor({ ...quiet, userId: bartek.id, chatId: bartek.chatId }, clock);
    await drain(group.stub, clock);
    await drain(own.stub, clock);
    // Three flats in the group, one card each; the partner's match of the same flat is merged.
    expect(telegram.messages.filter((m) => m.chat_id === GROUP)).toHaveLength(3);
    expect(telegram.messages.filter((m) => m.chat_id === bartek.chatId)).toHaveLength(1);
    expect(telegram.messages).toHaveLength(4);
    const statuses = await env.DB.prepare("SELECT status, count(*) AS n FROM notifications GROUP BY status ORDER BY status").all();
    expect(statuses.results).toEqual([
      { status: "merged", n: 2 },
      { status: "sent", n: 4 },
    ]);
  });
});
