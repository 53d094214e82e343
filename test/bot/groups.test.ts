import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import { alice, bob, buttonData, callbackQuery, textMessage } from "../helpers/bot.ts";
import { testClock } from "../helpers/fake-telegram.ts";
import { type MemberStatus, botMembership, flatGroup, groupPress, groupText, installGroupTelegram, migrateMessage, post } from "../helpers/groups.ts";
import { resetDb, seedSearch, seedUser } from "../helpers/seed.ts";
import type { TelegramUser } from "../helpers/bot.ts";

beforeEach(async () => {
  await resetDb();
  await env.DB.prepare("DELETE FROM chats").run();
});

const carol: TelegramUser = { id: 636363, is_bot: false, first_name: "Carol", language_code: "en" };
const version = () => env.DB.prepare("SELECT value FROM settings WHERE key = 'search_version'").first<{ value: number }>().then((r) => r?.value ?? 0);
const chatOfSearch = (id: number) => env.DB.prepare("SELECT chat_id FROM saved_searches WHERE id = ?").bind(id).first<{ chat_id: number | null }>().then((r) => r?.chat_id);
const chatRow = (id: number) => env.DB.prepare("SELECT chat_id, title, type, added_by, left_at FROM chats WHERE chat_id = ?").bind(id).first();

/** Alice (pl) and Bob (en) started the bot; Alice has a search; the group's members are as given. */
async function setup(members: Record<number, MemberStatus> = { [alice.id]: "creator", [bob.id]: "member" }) {
  const clock = testClock();
  const statuses = new Map(Object.entries(members).map(([user, status]) => [`${flatGroup.id}:${user}`, status]));
  const { telegram, asked } = installGroupTelegram(clock, statuses);
  const ala = await seedUser({ telegramId: alice.id, language: "pl" });
  const bo = await seedUser({ telegramId: bob.id, language: "en" });
  const search = await seedSearch(ala.id, { city: "warszawa", name: "Mokotów" });
  const bobSearch = await seedSearch(bo.id, { city: "krakow", name: "Bob's" });
  const to = (chatId: number) => telegram.messages.filter((m) => m.chat_id === chatId);
  return { clock, telegram, asked, ala, bo, search, bobSearch, to };
}

async function addedByAlice(clock: ReturnType<typeof testClock>) {
  await post(clock, botMembership(flatGroup, alice, "left", "member"));
}

describe("my_chat_member in a group", () => {
  it("records the group with who added the bot, and greets it once (not again on a promotion)", async ({ expect }) => {
    const { clock, ala, to } = await setup();
    await addedByAlice(clock);
    expect(await chatRow(flatGroup.id)).toEqual({ chat_id: flatGroup.id, title: flatGroup.title, type: "group", added_by: ala.id, left_at: null });
    const greeting = to(flatGroup.id);
    expect(greeting).toHaveLength(1);
    expect(greeting[0]?.text).toContain("otwórz prywatny czat ze mną, wyślij /list i stuknij 👥");
    await post(clock, botMembership(flatGroup, alice, "member", "administrator"));
    expect(to(flatGroup.id)).toHaveLength(1);
  });

  it("records a group added by someone who never started the bot, without an adder", async ({ expect }) => {
    const { clock, to } = await setup();
    await post(clock, botMembership(flatGroup, carol, "left", "administrator"));
    expect(await chatRow(flatGroup.id)).toMatchObject({ added_by: null, left_at: null });
    expect(to(flatGroup.id)[0]?.text).toContain("open a private chat with me, send /list and tap 👥");
  });

  it("on removal sends the group's searches back to their owners' chats, bumps the version and tells each owner", async ({ expect }) => {
    const { clock, search, bobSearch, to } = await setup();
    await addedByAlice(clock);
    await env.DB.prepare("UPDATE saved_searches SET chat_id = ? WHERE id IN (?, ?)").bind(flatGroup.id, search.id, bobSearch.id).run();
    const before = await version();
    await post(clock, botMembership(flatGroup, bob, "member", "kicked"));
    expect(await chatOfSearch(search.id)).toBeNull();
    expect(await chatOfSearch(bobSearch.id)).toBeNull();
    expect(await chatRow(flatGroup.id)).toMatchObject({ left_at: expect.any(Number) });
    expect(await version()).toBeGreaterThan(before);
    expect(to(alice.id).at(-1)?.text).toBe("Usunięto mnie z grupy „Mieszkanie z Bobem”: twoje wyszukiwanie, które tam trafiało, wraca do tego czatu.");
    expect(to(bob.id).at(-1)?.text).toBe("I was removed from the group “Mieszkanie z Bobem”: your search that went there now comes to this chat.");
  });

  it("moves the chat and its searches to the supergroup's new id", async ({ expect }) => {
    const { clock, search, ala } = await setup();
    await addedByAlice(clock);
    await env.DB.prepare("UPDATE saved_searches SET chat_id = ? WHERE id = ?").bind(flatGroup.id, search.id).run();
    const supergroup = -1_002_012_345_678;
    await post(clock, migrateMessage(flatGroup, alice, supergroup));
    expect(await chatOfSearch(search.id)).toBe(supergroup);
    expect(await chatRow(supergroup)).toMatchObject({ type: "supergroup", added_by: ala.id, left_at: null, title: flatGroup.title });
    expect(await chatRow(flatGroup.id)).toMatchObject({ left_at: expect.any(Number) });
  });

  it("keeps the private chat's block and unblock", async ({ expect }) => {
    const { clock } = await setup();
    const update = botMembership(flatGroup, alice, "member", "kicked");
    await post(clock, { ...update, my_chat_member: { ...update.my_chat_member, chat: { id: alice.id, first_name: alice.first_name, type: "private" } } });
    const blocked = await env.DB.prepare("SELECT blocked_at FROM users WHERE telegram_id = ?").bind(alice.id).first<{ blocked_at: number | null }>();
    expect(blocked?.blocked_at).not.toBeNull();
    expect(await env.DB.prepare("SELECT count(*) AS n FROM chats").first()).toEqual({ n: 0 });
  });
});

describe("pointing a search at a group from the private chat", () => {
  it("offers the groups the user may use (asking Telegram), points the search there and back", async ({ expect }) => {
    const { clock, telegram, asked, search, to } = await setup();
    await addedByAlice(clock);
    await post(clock, callbackQuery(`s:g:${search.id}`, alice));
    const choice = to(alice.id).at(-1);
    expect(choice?.text).toBe("Dokąd wysyłać ogłoszenia z „Mokotów · mieszkanie · wynajem · Warszawa”?");
    expect(buttonData(choice?.reply_markup)).toEqual([`s:t:${search.id}:${flatGroup.id}`, `s:m:${search.id}`]);
    expect(asked).toEqual([`${flatGroup.id}:${alice.id}`]);

    const before = await version();
    await post(clock, callbackQuery(`s:t:${search.id}:${flatGroup.id}`, alice));
    expect(await chatOfSearch(search.id)).toBe(flatGroup.id);
    expect(await version()).toBeGreaterThan(before);
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("👥 Teraz trafia do „Mieszkanie z Bobem”.");

    await post(clock, textMessage("/list", alice));
    expect(to(alice.id).at(-1)?.text).toContain("1. Mokotów · mieszkanie · wynajem · Warszawa → 👥 Mieszkanie z Bobem");
    expect(buttonData(to(alice.id).at(-1)?.reply_markup)).toContain(`s:g:${search.id}`);

    await post(clock, callbackQuery(`s:m:${search.id}`, alice));
    expect(await chatOfSearch(search.id)).toBeNull();
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("📥 Teraz trafia do tego czatu.");
  });

  it("refuses a group the user is not a member of, or one the bot left, and a forged search id", async ({ expect }) => {
    const { clock, telegram, search, bobSearch } = await setup({ [alice.id]: "creator", [bob.id]: "left" });
    await addedByAlice(clock);
    await post(clock, callbackQuery(`s:t:${bobSearch.id}:${flatGroup.id}`, bob));
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("You are not a member of that group, or I am no longer in it.");
    expect(await chatOfSearch(bobSearch.id)).toBeNull();
    // Alice's search id from Bob: not his.
    await post(clock, callbackQuery(`s:t:${search.id}:${flatGroup.id}`, bob));
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("That search no longer exists.");
    // A chat the bot was never in.
    await post(clock, callbackQuery(`s:t:${search.id}:-999`, alice));
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("Nie należysz do tej grupy albo mnie już w niej nie ma.");
    await post(clock, botMembership(flatGroup, alice, "member", "left"));
    await post(clock, callbackQuery(`s:t:${search.id}:${flatGroup.id}`, alice));
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("Nie należysz do tej grupy albo mnie już w niej nie ma.");
    expect(await chatOfSearch(search.id)).toBeNull();
  });

  it("says how to get a group when there is none", async ({ expect }) => {
    const { clock, search, to } = await setup();
    await post(clock, callbackQuery(`s:g:${search.id}`, alice));
    expect(to(alice.id).at(-1)?.text).toContain("Nie ma jeszcze grupy: dodaj mnie do grupy z partnerem");
    expect(buttonData(to(alice.id).at(-1)?.reply_markup)).toEqual([`s:m:${search.id}`]);
  });
});

describe("/searches in a group", () => {
  async function groupWithSearches() {
    const s = await setup({ [alice.id]: "member", [bob.id]: "member", [carol.id]: "administrator" });
    await addedByAlice(s.clock);
    await env.DB.prepare("UPDATE saved_searches SET chat_id = ? WHERE id = ?").bind(flatGroup.id, s.search.id).run();
    return s;
  }

  it("lists the searches sent to the group, for a command addressed to the bot by name", async ({ expect }) => {
    const { clock, search, to } = await groupWithSearches();
    await post(clock, groupText(flatGroup, bob, "/searches@getmeone_test_bot"));
    const list = to(flatGroup.id).at(-1);
    expect(list?.text).toContain("Searches sent to “Mieszkanie z Bobem” (1):");
    expect(list?.text).toContain("1. Mokotów · flat · rent · Warszawa");
    expect(buttonData(list?.reply_markup)).toEqual([`g:p:${search.id}`, `g:d:${search.id}`, "g:h"]);
    // Other text in the group is not the bot's business.
    const before = to(flatGroup.id).length;
    await post(clock, groupText(flatGroup, bob, "kto dziś gotuje?"));
    expect(to(flatGroup.id)).toHaveLength(before);
  });

  it("lets the owner and a group admin pause or delete a search, and refuses another member", async ({ expect }) => {
    const { clock, telegram, search } = await groupWithSearches();
    const active = () => env.DB.prepare("SELECT active FROM saved_searches WHERE id = ?").bind(search.id).first<{ active: number }>().then((r) => r?.active ?? null);

    await post(clock, groupPress(flatGroup, bob, `g:p:${search.id}`));
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("Only the search's owner or a group admin can change it.");
    expect(await active()).toBe(1);

    await post(clock, groupPress(flatGroup, alice, `g:p:${search.id}`));
    expect(await active()).toBe(0);
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("⏸ Wyszukiwanie 1 wstrzymane.");

    await post(clock, groupPress(flatGroup, carol, `g:r:${search.id}`));
    expect(await active()).toBe(1);
    await post(clock, groupPress(flatGroup, carol, `g:d:${search.id}`));
    expect(buttonData(telegram.edits.at(-1)?.reply_markup)).toEqual([`g:D:${search.id}`, `g:k:${search.id}`]);
    await post(clock, groupPress(flatGroup, bob, `g:D:${search.id}`));
    expect(await active()).toBe(1);
    await post(clock, groupPress(flatGroup, carol, `g:D:${search.id}`));
    expect(await active()).toBeNull();
    expect(telegram.edits.at(-1)?.text).toContain("No search is sent to this group yet.");
  });

  it("refuses a button for a search that does not deliver to this group", async ({ expect }) => {
    const { clock, telegram, bobSearch } = await groupWithSearches();
    await post(clock, groupPress(flatGroup, bob, `g:p:${bobSearch.id}`));
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("That search no longer exists.");
  });

  it("'My searches here' sends a partner their searches privately, each pointing here when pressed", async ({ expect }) => {
    const { clock, telegram, bobSearch, to } = await groupWithSearches();
    await post(clock, groupPress(flatGroup, bob, "g:h"));
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("I sent you a private message.");
    const offer = to(bob.id).at(-1);
    expect(offer?.text).toBe("Which of your searches should go to “Mieszkanie z Bobem”?");
    expect(buttonData(offer?.reply_markup)).toEqual([`s:t:${bobSearch.id}:${flatGroup.id}`]);
    await post(clock, callbackQuery(`s:t:${bobSearch.id}:${flatGroup.id}`, bob));
    expect(await chatOfSearch(bobSearch.id)).toBe(flatGroup.id);
  });
});
