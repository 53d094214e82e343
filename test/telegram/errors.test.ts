import { env } from "cloudflare:workers";
import { Api, GrammyError, HttpError } from "grammy";
import { describe, it } from "vitest";
import { createTelegramApi, sendOutgoing } from "../../src/telegram/api.ts";
import { classifyTelegramError, failureCode, redactToken } from "../../src/telegram/errors.ts";
import { type FakeTelegram, createFakeTelegram, telegramFailures } from "../../sim/fake-telegram.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";

const TOKEN = "123456:test-token";

/** A grammY Api talking straight to a fake (no global fetch involved). */
function apiFor(telegram: FakeTelegram): Api {
  return new Api(TOKEN, {
    apiRoot: "https://fake.telegram",
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => telegram.handle(new Request(input, init)),
  });
}

async function failureOf(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    return classifyTelegramError(error);
  }
  throw new Error("the call succeeded");
}

describe("classifyTelegramError", () => {
  it("reads retry_after from a 429", async ({ expect }) => {
    const telegram = createFakeTelegram();
    telegram.failNext(1, telegramFailures.tooManyRequests(17));
    expect(await failureOf(apiFor(telegram).sendMessage(1, "hi"))).toEqual({
      kind: "rate_limited",
      code: 429,
      description: "Too Many Requests: retry after 17",
      retryAfterS: 17,
    });
  });

  it("sorts 403, 5xx, refused photos and other 400s", async ({ expect }) => {
    const telegram = createFakeTelegram();
    const api = apiFor(telegram);
    telegram.failNext(1, telegramFailures.blocked());
    expect((await failureOf(api.sendMessage(1, "hi"))).kind).toBe("blocked");
    telegram.failNext(1, telegramFailures.badGateway());
    expect(await failureOf(api.sendMessage(1, "hi"))).toMatchObject({ kind: "transient", code: 502 });
    telegram.refusePhotos();
    expect(await failureOf(api.sendPhoto(1, "https://img/x.jpg"))).toMatchObject({ kind: "photo_refused", code: 400 });
    telegram.failNext(1, telegramFailures.chatNotFound());
    expect(await failureOf(api.sendMessage(1, "hi"))).toMatchObject({ kind: "rejected", code: 400 });
    // The same words on sendMessage are not about a photo.
    telegram.failNext(1, { error_code: 400, description: "Bad Request: wrong file identifier/HTTP URL specified" });
    expect((await failureOf(api.sendMessage(1, "hi"))).kind).toBe("rejected");
  });

  it("treats network errors as transient and keeps the token out of the description", async ({ expect }) => {
    const api = new Api(TOKEN, {
      apiRoot: "https://fake.telegram",
      fetch: async (input: RequestInfo | URL) => {
        throw new TypeError(`connect ECONNREFUSED ${String(input)}`);
      },
    });
    const failure = await failureOf(api.sendMessage(1, "hi"));
    expect(failure).toMatchObject({ kind: "transient", code: null });
    expect(failure.description).not.toContain("test-token");
    expect(failureCode(failure)).toBe("network");
    const odd = classifyTelegramError(new Error(`GET https://api.telegram.org/bot${TOKEN}/getMe failed`));
    expect(odd.description).not.toContain("test-token");
    expect(redactToken(`/bot${TOKEN}/sendMessage`)).toBe("/bot<token>/sendMessage");
  });

  it("accepts grammY's error classes directly", ({ expect }) => {
    const error = new GrammyError("Call to 'sendMessage' failed!", { ok: false, error_code: 429, description: "Too Many Requests" }, "sendMessage", {});
    expect(classifyTelegramError(error)).toMatchObject({ kind: "rate_limited", retryAfterS: 5 });
    // A broken connection may have delivered the message; one that was never made cannot have.
    expect(classifyTelegramError(new HttpError("Network request for 'getMe' failed!", new Error("Network connection lost.")))).toMatchObject({
      kind: "unknown",
      description: "Network request for 'getMe' failed! (outcome unknown)",
    });
    expect(classifyTelegramError(new HttpError("Network request for 'getMe' failed!", new Error("connect ECONNREFUSED 127.0.0.1:443")))).toMatchObject({
      kind: "transient",
      description: "Network request for 'getMe' failed! (not sent)",
    });
    expect(classifyTelegramError(new HttpError("Network request for 'getMe' failed!", new Error("Request to 'getMe' timed out after 60 seconds")))).toMatchObject({
      kind: "unknown",
    });
  });
});

describe("createTelegramApi", () => {
  it("sends through TELEGRAM_API_ROOT with the bot token, seeing a fetch stubbed after it was created", async ({ expect }) => {
    const clock = testClock();
    const api = createTelegramApi(env);
    const { telegram, requests } = installFakeTelegram(clock);
    await sendOutgoing(api, { method: "sendMessage", chatId: 7, text: "<b>hi</b>", buttons: [], previewUrl: null });
    await sendOutgoing(api, {
      method: "sendPhoto",
      chatId: 8,
      photo: "https://img.olx.pl/1.jpg",
      caption: "c",
      buttons: [{ text: "Open", url: "https://www.olx.pl/d/1" }],
    });
    expect(requests.map((r) => new URL(r.url).pathname)).toEqual([
      `/bot${env.TELEGRAM_BOT_TOKEN}/sendMessage`,
      `/bot${env.TELEGRAM_BOT_TOKEN}/sendPhoto`,
    ]);
    expect(telegram.messages.map((m) => [m.chat_id, m.method, m.parse_mode])).toEqual([
      [7, "sendMessage", "HTML"],
      [8, "sendPhoto", "HTML"],
    ]);
    expect(telegram.messages[0]?.link_preview_options).toEqual({ is_disabled: true });
    expect(telegram.messages[1]?.reply_markup).toEqual({ inline_keyboard: [[{ text: "Open", url: "https://www.olx.pl/d/1" }]] });
  });
});
