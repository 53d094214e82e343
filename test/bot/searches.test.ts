import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import { alice, bob, chatWith } from "../helpers/bot.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { sampleListing } from "../durable/seed.ts";
import { resetDb, seedSearch, seedUser, storeAsThePoller } from "../helpers/seed.ts";

beforeEach(resetDb);

const active = (id: number) => env.DB.prepare("SELECT active FROM saved_searches WHERE id = ?").bind(id).first<{ active: number }>().then((r) => r?.active ?? null);
const version = () => env.DB.prepare("SELECT value FROM settings WHERE key = 'search_version'").first<{ value: number }>().then((r) => r?.value ?? 0);

async function aliceWithSearches() {
  const clock = testClock();
  const { telegram } = installFakeTelegram(clock);
  const user = await seedUser({ telegramId: alice.id, language: "pl" });
  const flat = await seedSearch(user.id, { city: "warszawa", name: "", priceMax: 3500, roomsMin: 2, roomsMax: 3, districts: ["Mokotów", "<Wola>"] });
  const house = await seedSearch(user.id, { city: "krakow", name: "Dom", deal: "sale", property: "house", source: "otodom", active: false });
  return { chat: chatWith(telegram, clock), telegram, clock, flat, house };
}

describe("/list", () => {
  it("shows each search on one line with pause/resume, edit, send-to-a-group and delete buttons", async ({ expect }) => {
    const { chat, flat, house } = await aliceWithSearches();
    await chat.say("/list");
    const text = chat.last();
    expect(text).toContain("Twoje wyszukiwania (2/20):");
    expect(text).toContain("1. mieszkanie · wynajem · Warszawa · do 3 500 zł · 2–3 pok. · Mokotów, &lt;Wola&gt;");
    expect(text).toContain("2. Dom · dom · sprzedaż · Kraków · Otodom (wstrzymane)");
    expect(chat.buttons()).toEqual([`s:p:${flat.id}`, `s:e:${flat.id}`, `s:g:${flat.id}`, `s:d:${flat.id}`, `s:r:${house.id}`, `s:e:${house.id}`, `s:g:${house.id}`, `s:d:${house.id}`]);
  });

  it("pauses and resumes one search from its button, updating the list in place", async ({ expect }) => {
    const { chat, telegram, flat } = await aliceWithSearches();
    await chat.say("/list");
    const before = await version();
    await chat.press(`s:p:${flat.id}`);
    expect(await active(flat.id)).toBe(0);
    expect(await version()).toBeGreaterThan(before);
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("⏸ Wyszukiwanie 1 wstrzymane.");
    expect(telegram.edits.at(-1)?.text).toContain("1. mieszkanie · wynajem · Warszawa · do 3 500 zł · 2–3 pok. · Mokotów, &lt;Wola&gt; (wstrzymane)");
    await chat.press(`s:r:${flat.id}`);
    expect(await active(flat.id)).toBe(1);
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("▶️ Wyszukiwanie 1 wznowione.");
  });

  it("deletes only after a second press, and /delete N asks the same", async ({ expect }) => {
    const { chat, telegram, flat, house } = await aliceWithSearches();
    await chat.press(`s:d:${flat.id}`);
    expect(chat.last()).toContain("Usunąć to wyszukiwanie?");
    expect(chat.buttons()).toEqual([`s:D:${flat.id}`, `s:k:${flat.id}`]);
    expect(await active(flat.id)).toBe(1);
    await chat.press(`s:D:${flat.id}`);
    expect(await active(flat.id)).toBeNull();
    expect(telegram.edits.at(-1)?.text).toBe("🗑 Usunięte.");

    await chat.say("/delete 7");
    expect(chat.last()).toBe("Podaj numer z /list, np. /delete 2.");
    await chat.say("/delete 1");
    expect(chat.buttons()).toEqual([`s:D:${house.id}`, `s:k:${house.id}`]);
    await chat.press(`s:k:${house.id}`);
    expect(await active(house.id)).toBe(0);
  });

  it("edits a search through the summary, changing one answer", async ({ expect }) => {
    const { chat, flat } = await aliceWithSearches();
    await chat.press(`s:e:${flat.id}`);
    expect(chat.last()).toContain("Cena: do 3 500 zł");
    await chat.press("w:confirm:edit");
    expect(chat.buttons()).toContain("w:confirm:fix-price");
    await chat.press("w:confirm:fix-price");
    await chat.say("2000-4000");
    // Straight back to the summary, not on through the other questions.
    expect(chat.last()).toContain("Cena: 2 000–4 000 zł");
    await chat.press("w:confirm:save");
    expect(chat.last()).toBe("✅ Zmienione.");
    const row = await env.DB.prepare("SELECT price_min, price_max, rooms_min, districts FROM saved_searches WHERE id = ?").bind(flat.id).first();
    expect(row).toEqual({ price_min: 2000, price_max: 4000, rooms_min: 2, districts: JSON.stringify(["Mokotów", "<Wola>"]) });
  });

  it("never touches another user's search, whatever id a button carries", async ({ expect }) => {
    const { flat, telegram, clock } = await aliceWithSearches();
    await seedUser({ telegramId: bob.id, language: "en" });
    const bobChat = chatWith(telegram, clock, bob);
    for (const data of [`s:p:${flat.id}`, `s:D:${flat.id}`, `s:e:${flat.id}`, `m:${flat.id}`]) {
      await bobChat.press(data);
      expect(telegram.callbackAnswers.at(-1)?.text).toBe("That search no longer exists.");
    }
    expect(await active(flat.id)).toBe(1);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM bot_flows").first()).toEqual({ n: 0 });
  });

  it("mutes the search a notification came from", async ({ expect }) => {
    const { chat, telegram, flat } = await aliceWithSearches();
    await chat.press(`m:${flat.id}`);
    expect(await active(flat.id)).toBe(0);
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("🔕 Wyciszone. Wznowisz je w /list.");
  });

  it("tells a user without searches how to add one", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    await seedUser({ telegramId: alice.id });
    const chat = chatWith(telegram, clock);
    await chat.say("/list");
    expect(chat.last()).toContain("Nie masz jeszcze wyszukiwań");
  });
});

describe("/stats", () => {
  it("counts searches and this week's messages, with the median delay from publication", async ({ expect }) => {
    const { chat } = await aliceWithSearches();
    const user = await env.DB.prepare("SELECT id FROM users WHERE telegram_id = ?").bind(alice.id).first<{ id: number }>();
    const now = Date.now();
    const minute = 60_000;
    // Three sent this week after 1, 3 and 10 minutes (one without a publication time:
    // counted from first sight), one sent long ago, one never sent.
    const rows: [number | null, number, number | null, string][] = [
      [now - 60 * minute, now - 59 * minute, now - 59 * minute, "sent"],
      [now - 30 * minute, now - 29 * minute, now - 27 * minute, "sent"],
      [null, now - 20 * minute, now - 10 * minute, "sent"],
      [now - 30 * 24 * 60 * minute, now - 30 * 24 * 60 * minute, now - 30 * 24 * 60 * minute, "sent"],
      [now - 5 * minute, now - 5 * minute, null, "failed"],
    ];
    for (const [i, [published, firstSeen, sent, status]] of rows.entries()) {
      // Stored as a poller stores listings: published_at in ms, as the parser gives it.
      const [listingId] = await storeAsThePoller([sampleListing(firstSeen, { externalId: `s${i}`, url: `https://www.olx.pl/d/oferta/s-${i}.html`, publishedAt: published })], { seenAt: firstSeen });
      await env.DB.prepare(`INSERT INTO notifications (user_id, listing_id, matched_at, sent_at, status) VALUES (?, ?, ?, ?, ?)`)
        .bind(user?.id, listingId, firstSeen, sent, status)
        .run();
    }
    await chat.say("/stats");
    expect(chat.last()).toBe(
      ["Wyszukiwania: 1 aktywne z 2.", "Ogłoszenia wysłane w ostatnich 7 dniach: 3.", "Mediana czasu od publikacji do wiadomości: 3 min."].join("\n"),
    );
  });
});

describe("/stats for an admin", () => {
  it("adds the admin page's headline numbers", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    await seedUser({ telegramId: alice.id, isAdmin: true });
    await env.DB.prepare(`INSERT INTO dead_letters (queue, body, attempts, received_at) VALUES ('q', '{}', 6, ?)`).bind(Date.now()).run();
    const chat = chatWith(telegram, clock);
    await chat.say("/stats");
    expect(chat.last()).toContain("Admin, last hour: 0 sent, e2e p50 –");
    expect(chat.last()).toContain("Backlog: 0 unfiltered, 0 in outboxes, 1 dead letters, 0 failed today.");
  });
});
