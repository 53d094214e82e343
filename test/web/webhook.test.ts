import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import worker from "../../src/index.ts";
import { telegramFailures } from "../../sim/fake-telegram.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { resetDb } from "../helpers/seed.ts";

beforeEach(resetDb);

const SECRET = "test-webhook-secret";
const alice = { id: 424242, is_bot: false, first_name: "Ala", language_code: "pl" };

/** A private message with a /command, shaped as Telegram sends it. */
function command(text: string, from = alice, updateId = 1) {
  return {
    update_id: updateId,
    message: {
      message_id: 10 + updateId,
      from,
      chat: { id: from.id, first_name: from.first_name, type: "private" },
      date: 1_764_000_000,
      text,
      ...(text.startsWith("/") ? { entities: [{ offset: 0, length: text.split(" ")[0]?.length ?? 0, type: "bot_command" }] } : {}),
    },
  };
}

async function post(body: unknown, secret: string | null = SECRET) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret !== null) headers["X-Telegram-Bot-Api-Secret-Token"] = secret;
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request("https://getmeone.example/telegram/webhook", { method: "POST", headers, body: JSON.stringify(body) }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

const userRow = (telegramId: number) =>
  env.DB.prepare("SELECT telegram_id, chat_id, language, blocked_at FROM users WHERE telegram_id = ?").bind(telegramId).first();

describe("POST /telegram/webhook", () => {
  it("rejects a missing or forged secret with 401 and touches nothing", async ({ expect }) => {
    const { telegram } = installFakeTelegram(testClock());
    expect((await post(command("/start"), null)).status).toBe(401);
    expect((await post(command("/start"), "test-webhook-secreT")).status).toBe(401);
    expect((await post(command("/start"), "")).status).toBe(401);
    expect(await userRow(alice.id)).toBeNull();
    expect(telegram.calls).toEqual([]);
  });

  it("answers 400 to a body that is not an update", async ({ expect }) => {
    installFakeTelegram(testClock());
    expect((await post({ hello: "world" })).status).toBe(400);
  });

  it("/start registers the user in their language and explains the bot", async ({ expect }) => {
    const { telegram } = installFakeTelegram(testClock());
    expect((await post(command("/start"))).status).toBe(200);
    expect(await userRow(alice.id)).toEqual({ telegram_id: alice.id, chat_id: alice.id, language: "pl", blocked_at: null });
    expect(telegram.messages).toHaveLength(1);
    expect(telegram.messages[0]).toMatchObject({ chat_id: alice.id, method: "sendMessage", parse_mode: "HTML" });
    expect(telegram.messages[0]?.text).toContain("olx.pl");
    expect(telegram.messages[0]?.text?.split("\n")).toHaveLength(3);

    const bob = { id: 515151, is_bot: false, first_name: "Bob", language_code: "en-GB" };
    await post(command("/start", bob, 2));
    expect(await userRow(bob.id)).toMatchObject({ language: "en" });
    expect(telegram.messages[1]?.text).toContain("watches OLX and Otodom");
  });

  it("answers unknown commands and free text with a short help", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    await post(command("/frobnicate"));
    clock.now += 1000; // Telegram's one message a second per chat
    await post(command("jakieś mieszkanie?", alice, 2));
    expect(telegram.messages.map((m) => m.text?.split("\n")[0])).toEqual(["Co umiem:", "Co umiem:"]);
  });

  it("acknowledges an update whose reply Telegram refused, so it is not redelivered", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    telegram.failNext(1, telegramFailures.blocked());
    expect((await post(command("/help"))).status).toBe(200);
    expect(telegram.messages).toEqual([]);
  });

  it("acknowledges and ignores updates it does not handle: group messages, edited messages", async ({ expect }) => {
    const { telegram } = installFakeTelegram(testClock());
    const group = command("/start", alice, 3);
    group.message.chat = { id: -100123, first_name: "Grupa", type: "supergroup" };
    expect((await post(group)).status).toBe(200);
    const edited = { update_id: 4, edited_message: { ...command("/start").message, edit_date: 1_764_000_100 } };
    expect((await post(edited)).status).toBe(200);
    expect(telegram.calls).toEqual([]);
    expect(await userRow(alice.id)).toBeNull();
  });

  it("marks the user blocked when they block the bot, and clears it when they come back", async ({ expect }) => {
    installFakeTelegram(testClock());
    await post(command("/start"));
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
    expect((await post(member("kicked", 5))).status).toBe(200);
    expect((await userRow(alice.id))?.blocked_at).toEqual(expect.any(Number));
    await post(member("member", 6));
    expect((await userRow(alice.id))?.blocked_at).toBeNull();
  });

  it("/pause and /resume switch notifications off and on; /lang changes the language", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const say = async (text: string, id: number) => {
      clock.now += 1000;
      expect((await post(command(text, alice, id))).status).toBe(200);
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
    expect(await say("/lang", 5)).toContain("English");
    expect(await say("/help", 6)).toMatch(/^What I can do:/);
    expect(await say("/lang klingon", 7)).toBe("Use /lang pl or /lang en.");
    expect(await say("/lang pl", 8)).toContain("polski");
  });
});
