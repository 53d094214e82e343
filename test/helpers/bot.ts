import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index.ts";
import type { FakeTelegram } from "../../sim/fake-telegram.ts";
import type { TestClock } from "./fake-telegram.ts";

/**
 * Telegram updates shaped as the Bot API sends them
 * (https://core.telegram.org/bots/api#update), posted to the real webhook.
 */

export const WEBHOOK_SECRET = "test-webhook-secret";

export interface TelegramUser {
  id: number;
  is_bot: false;
  first_name: string;
  language_code?: string;
}

export const alice: TelegramUser = { id: 424242, is_bot: false, first_name: "Ala", language_code: "pl" };
export const bob: TelegramUser = { id: 515151, is_bot: false, first_name: "Bob", language_code: "en-GB" };

let nextUpdateId = 1;
const DATE = 1_764_000_000; // s: Telegram's dates are seconds

const privateChat = (from: TelegramUser) => ({ id: from.id, first_name: from.first_name, type: "private" });

/** A private text message; a leading /command gets its bot_command entity, as Telegram marks it. */
export function textMessage(text: string, from: TelegramUser = alice) {
  const updateId = nextUpdateId++;
  const command = /^\/\S+/.exec(text)?.[0];
  return {
    update_id: updateId,
    message: {
      message_id: 10 + updateId,
      from,
      chat: privateChat(from),
      date: DATE,
      text,
      ...(command ? { entities: [{ offset: 0, length: command.length, type: "bot_command" }] } : {}),
    },
  };
}

/** A location shared from the attachment menu. */
export function locationMessage(latitude: number, longitude: number, from: TelegramUser = alice) {
  const updateId = nextUpdateId++;
  return {
    update_id: updateId,
    message: { message_id: 10 + updateId, from, chat: privateChat(from), date: DATE, location: { latitude, longitude } },
  };
}

/** A press on an inline button under one of the bot's messages. */
export function callbackQuery(data: string, from: TelegramUser = alice, messageId = 1) {
  const updateId = nextUpdateId++;
  return {
    update_id: updateId,
    callback_query: {
      id: `cq-${updateId}`,
      from,
      chat_instance: "-4242",
      data,
      message: { message_id: messageId, from: { id: 123456, is_bot: true, first_name: "GetMeOne" }, chat: privateChat(from), date: DATE, text: "…" },
    },
  };
}

/** Posts an update as Telegram would and waits for everything it started. */
export interface PostOptions {
  secret?: string | null;
  /** Vars to override for this call, e.g. a lower limit. */
  env?: Partial<Env>;
  /** The Worker module to call; a re-imported one stands for a fresh isolate. */
  worker?: ExportedHandler<Env>;
  /** The body as sent, instead of `body` as JSON: for bodies that are not updates. */
  rawBody?: string;
}

export async function postUpdate(body: unknown, options: PostOptions = {}) {
  const secret = options.secret === undefined ? WEBHOOK_SECRET : options.secret;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret !== null) headers["X-Telegram-Bot-Api-Secret-Token"] = secret;
  const ctx = createExecutionContext();
  const handler = options.worker ?? worker;
  if (!handler.fetch) throw new Error("the worker has no fetch handler");
  const response = await handler.fetch(
    new Request("https://getmeone.example/telegram/webhook", { method: "POST", headers, body: options.rawBody ?? JSON.stringify(body) }),
    { ...env, ...options.env },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

/**
 * One user's side of a chat with the bot: each action is a second after the
 * last (Telegram's pace for one chat), and returns what the bot said to it.
 */
export function chatWith(telegram: FakeTelegram, clock: TestClock, from: TelegramUser = alice, options: Omit<PostOptions, "secret"> = {}) {
  const mine = () => telegram.messages.filter((m) => m.chat_id === from.id);
  async function act(update: unknown) {
    clock.now += 1000;
    const before = mine().length;
    const response = await postUpdate(update, options);
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
    return mine().slice(before);
  }
  /** The text of the bot's last message to this user. */
  const last = () => mine().at(-1)?.text ?? "";
  return {
    /** Sends text; returns the bot's replies. */
    say: (text: string) => act(textMessage(text, from)),
    /** Sends text; returns what `last()` reads once the bot is done with it. */
    ask: async (text: string) => {
      await act(textMessage(text, from));
      return last();
    },
    /** Presses a button; returns the bot's new messages. */
    press: (data: string, messageId?: number) => act(callbackQuery(data, from, messageId)),
    shareLocation: (lat: number, lon: number) => act(locationMessage(lat, lon, from)),
    last,
    /** The callback data of every button under the bot's last message. */
    buttons: () => buttonData(mine().at(-1)?.reply_markup),
  };
}

/** Callback data of an inline keyboard, row by row, flattened. */
export function buttonData(markup: unknown): string[] {
  const rows = (markup as { inline_keyboard?: { callback_data?: string }[][] } | null)?.inline_keyboard ?? [];
  return rows.flat().flatMap((b) => (b.callback_data ? [b.callback_data] : []));
}
