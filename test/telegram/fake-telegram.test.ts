import { Api, InputFile } from "grammy";
import { describe, it } from "vitest";
import { type FakeTelegram, checkTelegramHtml, createFakeTelegram, telegramFailures } from "../../sim/fake-telegram.ts";

const TOKEN = "42:secret";

function apiFor(telegram: FakeTelegram, token = TOKEN): Api {
  return new Api(token, {
    apiRoot: "http://127.0.0.1:8081",
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => telegram.handle(new Request(input, init)),
  });
}

async function codeOf(call: Promise<unknown>): Promise<number | "ok"> {
  try {
    await call;
    return "ok";
  } catch (error) {
    return typeof error === "object" && error !== null && "error_code" in error ? Number(error.error_code) : -1;
  }
}

describe("fake Telegram", () => {
  it("answers like the Bot API and records accepted messages with their arrival time", async ({ expect }) => {
    const clock = { now: 1_000_000 };
    const telegram = createFakeTelegram({ clock: () => clock.now, token: TOKEN });
    const api = apiFor(telegram);
    expect((await api.getMe()).username).toBe("getmeone_test_bot");
    const sent = await api.sendMessage(5, "<b>Hej</b> &amp;", { parse_mode: "HTML" });
    expect(sent).toMatchObject({ message_id: 1, chat: { id: 5, type: "private" }, text: "<b>Hej</b> &amp;" });
    clock.now += 1000;
    const photo = await api.sendPhoto(5, "https://img/1.jpg", {
      caption: "c",
      reply_markup: { inline_keyboard: [[{ text: "Open", url: "https://www.olx.pl/1" }]] },
    });
    expect(photo.photo[0]?.file_id).toBe("photo-2");
    expect(await api.setWebhook("https://example.com/telegram/webhook", { secret_token: "s" })).toBe(true);
    expect(telegram.webhook).toMatchObject({ url: "https://example.com/telegram/webhook", secret_token: "s" });
    expect(await api.setMyCommands([{ command: "start", description: "Start" }])).toBe(true);
    expect(await api.getMyCommands()).toEqual([{ command: "start", description: "Start" }]);
    expect(await api.answerCallbackQuery("q1")).toBe(true);
    expect(telegram.messages).toEqual([
      expect.objectContaining({ message_id: 1, chat_id: 5, method: "sendMessage", text: "<b>Hej</b> &amp;", at: 1_000_000 }),
      expect.objectContaining({
        message_id: 2,
        method: "sendPhoto",
        photo: "https://img/1.jpg",
        caption: "c",
        reply_markup: { inline_keyboard: [[{ text: "Open", url: "https://www.olx.pl/1" }]] },
        at: 1_001_000,
      }),
    ]);
  });

  it("takes multipart uploads as grammY sends them", async ({ expect }) => {
    const telegram = createFakeTelegram();
    const api = apiFor(telegram);
    await api.sendPhoto(5, new InputFile(new Uint8Array([1, 2, 3]), "a.jpg"), {
      caption: "x",
      reply_markup: { inline_keyboard: [[{ text: "Open", url: "https://a.pl" }]] },
    });
    expect(telegram.messages[0]).toMatchObject({ photo: "(upload)", caption: "x", reply_markup: { inline_keyboard: [[{ text: "Open", url: "https://a.pl" }]] } });
  });

  it("refuses a wrong token", async ({ expect }) => {
    const telegram = createFakeTelegram({ token: TOKEN });
    expect(await codeOf(apiFor(telegram, "42:wrong").getMe())).toBe(401);
  });

  it("allows one message per second per chat", async ({ expect }) => {
    const clock = { now: 0 };
    const telegram = createFakeTelegram({ clock: () => clock.now });
    const api = apiFor(telegram);
    expect(await codeOf(api.sendMessage(1, "a"))).toBe("ok");
    clock.now = 999;
    expect(await codeOf(api.sendMessage(1, "b"))).toBe(429);
    expect(telegram.calls.at(-1)?.description).toBe("Too Many Requests: retry after 1");
    expect(await codeOf(api.sendMessage(2, "other chat"))).toBe("ok");
    clock.now = 1000;
    expect(await codeOf(api.sendMessage(1, "c"))).toBe("ok");
  });

  it("allows 30 messages per second in total", async ({ expect }) => {
    const clock = { now: 0 };
    const telegram = createFakeTelegram({ clock: () => clock.now });
    const api = apiFor(telegram);
    const codes = [];
    for (let chat = 1; chat <= 31; chat++) codes.push(await codeOf(api.sendMessage(chat, "x")));
    expect(codes.filter((c) => c === "ok")).toHaveLength(30);
    expect(codes.at(-1)).toBe(429);
    clock.now = 1000;
    expect(await codeOf(api.sendMessage(40, "x"))).toBe("ok");
  });

  it("fails scripted calls, then recovers", async ({ expect }) => {
    const telegram = createFakeTelegram();
    const api = apiFor(telegram);
    telegram.failNext(2, telegramFailures.serverError());
    telegram.failNext(1, telegramFailures.wrongPhoto());
    expect(await codeOf(api.getMe())).toBe("ok"); // scripts hit sending methods only
    expect(await codeOf(api.sendPhoto(1, "https://img/1.jpg"))).toBe(500);
    expect(await codeOf(api.sendMessage(2, "x"))).toBe(500);
    expect(await codeOf(api.sendMessage(3, "x"))).toBe("ok");
    expect(await codeOf(api.sendPhoto(4, "https://img/1.jpg"))).toBe(400);
    expect(await codeOf(api.sendPhoto(5, "https://img/1.jpg"))).toBe("ok");
    telegram.failNext(1, telegramFailures.network());
    expect(await codeOf(api.sendMessage(6, "x"))).toBe(-1);
    expect(telegram.calls.map((c) => c.error_code)).toEqual([null, 500, 500, null, 400, null, null]);
    expect(telegram.messages).toHaveLength(2);
  });

  it("rejects bad HTML and texts over the limits as Telegram does", async ({ expect }) => {
    const telegram = createFakeTelegram();
    const api = apiFor(telegram);
    expect(await codeOf(api.sendMessage(1, "a < b", { parse_mode: "HTML" }))).toBe(400);
    expect(await codeOf(api.sendMessage(2, "a & b", { parse_mode: "HTML" }))).toBe(400);
    expect(await codeOf(api.sendMessage(3, "a & b"))).toBe("ok"); // no parse mode: plain text
    expect(await codeOf(api.sendMessage(4, "x".repeat(4097)))).toBe(400);
    expect(await codeOf(api.sendMessage(5, `<b>${"&amp;".repeat(4000)}</b>`, { parse_mode: "HTML" }))).toBe("ok");
    expect(await codeOf(api.sendPhoto(6, "https://img/1.jpg", { caption: "x".repeat(1025) }))).toBe(400);
    expect(await codeOf(api.sendMessage(7, "x", { reply_markup: { inline_keyboard: [[{ text: "a", url: "javascript:1" }]] } }))).toBe(400);
    expect(checkTelegramHtml(`<b>a</b> <a href="https://x.pl/?a=1&amp;b">l</a>`)).toBeNull();
    expect(checkTelegramHtml("<b>a</i>")).toMatch(/Unmatched end tag/);
    expect(checkTelegramHtml("<b>a")).toMatch(/Can't find end tag/);
    expect(checkTelegramHtml("<div>a</div>")).toMatch(/Unsupported start tag "div"/);
  });

  it("forgets everything on reset", async ({ expect }) => {
    const telegram = createFakeTelegram();
    const api = apiFor(telegram);
    await api.sendMessage(1, "x");
    telegram.failNext(1, telegramFailures.blocked());
    telegram.reset();
    expect(telegram.messages).toHaveLength(0);
    expect(await codeOf(api.sendMessage(1, "y"))).toBe("ok");
  });
});
