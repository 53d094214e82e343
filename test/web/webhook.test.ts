import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import { telegramFailures } from "../../sim/fake-telegram.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { resetDb } from "../helpers/seed.ts";
import { alice, bob, postUpdate, textMessage } from "../helpers/bot.ts";

beforeEach(resetDb);

const userRow = (telegramId: number) =>
  env.DB.prepare("SELECT telegram_id, chat_id, language, blocked_at FROM users WHERE telegram_id = ?").bind(telegramId).first();

describe("POST /telegram/webhook", () => {
  it("rejects a missing or forged secret with 401 and touches nothing", async ({ expect }) => {
    const { telegram } = installFakeTelegram(testClock());
    expect((await postUpdate(textMessage("/start"), { secret: null })).status).toBe(401);
    expect((await postUpdate(textMessage("/start"), { secret: "test-webhook-secreT" })).status).toBe(401);
    expect((await postUpdate(textMessage("/start"), { secret: "" })).status).toBe(401);
    expect(await userRow(alice.id)).toBeNull();
    expect(telegram.calls).toEqual([]);
  });

  it("answers 400 to a body that is not an update", async ({ expect }) => {
    installFakeTelegram(testClock());
    expect((await postUpdate({ hello: "world" })).status).toBe(400);
  });

  it("/start registers the user in their language and explains the bot", async ({ expect }) => {
    const { telegram } = installFakeTelegram(testClock());
    expect((await postUpdate(textMessage("/start"))).status).toBe(200);
    expect(await userRow(alice.id)).toEqual({ telegram_id: alice.id, chat_id: alice.id, language: "pl", blocked_at: null });
    expect(telegram.messages).toHaveLength(1);
    expect(telegram.messages[0]).toMatchObject({ chat_id: alice.id, method: "sendMessage", parse_mode: "HTML" });
    expect(telegram.messages[0]?.text).toContain("olx.pl");
    expect(telegram.messages[0]?.text?.split("\n")).toHaveLength(3);

    await postUpdate(textMessage("/start", bob));
    expect(await userRow(bob.id)).toMatchObject({ language: "en" });
    expect(telegram.messages[1]?.text).toContain("watches OLX and Otodom");
  });

  it("answers unknown commands and free text with a short help", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    await postUpdate(textMessage("/frobnicate"));
    clock.now += 1000; // Telegram's one message a second per chat
    await postUpdate(textMessage("jakieś mieszkanie?"));
    expect(telegram.messages.map((m) => m.text?.split("\n")[0])).toEqual(["Co umiem:", "Co umiem:"]);
  });

  it("acknowledges an update whose reply Telegram refused, so it is not redelivered", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    telegram.failNext(1, telegramFailures.blocked());
    expect((await postUpdate(textMessage("/help"))).status).toBe(200);
    expect(telegram.messages).toEqual([]);
  });

  it("acknowledges and ignores updates it does not handle: group messages, edited messages", async ({ expect }) => {
    const { telegram } = installFakeTelegram(testClock());
    const group = textMessage("/start");
    group.message.chat = { id: -100123, first_name: "Grupa", type: "supergroup" };
    expect((await postUpdate(group)).status).toBe(200);
    const edited = { update_id: 4, edited_message: { ...textMessage("/start").message, edit_date: 1_764_000_100 } };
    expect((await postUpdate(edited)).status).toBe(200);
    expect(telegram.calls).toEqual([]);
    expect(await userRow(alice.id)).toBeNull();
  });

  it("marks the user blocked when they block the bot, and clears it when they come back", async ({ expect }) => {
    installFakeTelegram(testClock());
    await postUpdate(textMessage("/start"));
    const member = (status: "kicked" | "member", updateId: number) => ({
      update_id: updateId,
      my_chat_member: {
        chat: { id: alice.id, first_name: alice.first_name, type: "private" },
        from: alice,
        date: 1_764_000_200,
        old_chat_member: { user: { id: 1, is_bot: true, first_name: "GetMeOne" }, status: status === "kicked" ? "member" : "kicked" },
        new_chat_member: { user: { id: 1, is_bot: true, first_name: "GetMeOne" }, status, ...(status === "kicked" ? { until_date: 0 } : {}) },
      },
    });
    expect((await postUpdate(member("kicked", 5))).status).toBe(200);
    expect((await userRow(alice.id))?.blocked_at).toEqual(expect.any(Number));
    await postUpdate(member("member", 6));
    expect((await userRow(alice.id))?.blocked_at).toBeNull();
  });

  it("/pause and /resume switch notifications off and on; /lang changes the language", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const say = async (text: string, id: number) => {
      clock.now += 1000;
      expect((await postUpdate(textMessage(text))).status).toBe(200);
      return telegram.messages.at(-1)?.text;
    };
    expect(await say("/pause", 1)).toBe("Najpierw /start.");
    await say("/start", 2);
    const version = async () => (await env.DB.prepare("SELECT value FROM settings WHERE key = 'search_version'").first<{ value: number }>())?.value;
    const before = await version();
    expect(await say("/pause", 3)).toContain("wstrzymane");
    expect(await env.DB.prepare("SELECT paused FROM users WHERE telegram_id = ?").bind(alice.id).first()).toEqual({ paused: 1 });
    expect(await version()).toBeGreaterThan(before ?? 0);
    expect(await say("/resume", 4)).toContain("wznowione");
    expect(await env.DB.prepare("SELECT paused FROM users WHERE telegram_id = ?").bind(alice.id).first()).toEqual({ paused: 0 });
    // The filter's search cache follows a language change at once, not after its TTL.
    const beforeLang = await version();
    expect(await say("/lang", 5)).toContain("English");
    expect(await version()).toBeGreaterThan(beforeLang ?? 0);
    expect(await say("/help", 6)).toMatch(/^What I can do:/);
    expect(await say("/lang klingon", 7)).toBe("Use /lang pl or /lang en.");
    expect(await say("/lang pl", 8)).toContain("polski");
  });
});
