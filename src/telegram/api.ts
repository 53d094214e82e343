import { Api, type ApiClientOptions } from "grammy";
import { config } from "../lib/config.ts";
import type { InlineButton } from "./render.ts";

/** Seconds a Bot API call may take before its outcome counts as unknown (grammY's default is 500): long enough that a slow answer under load is still taken. */
const CALL_TIMEOUT_S = 60;

/**
 * How every grammY client of the bot reaches Telegram: TELEGRAM_API_ROOT (the
 * real Bot API or a local fake) and a call timeout. grammY keeps the `fetch`
 * it is given; a wrapper that looks `fetch` up on each call lets a test's
 * stub of the global be seen.
 *
 * @example new Bot(token, { client: telegramClientOptions(env) })
 */
export function telegramClientOptions(env: Pick<Env, "TELEGRAM_API_ROOT">): ApiClientOptions {
  return {
    apiRoot: config(env).telegramApiRoot,
    timeoutSeconds: CALL_TIMEOUT_S,
    fetch: (...args: Parameters<typeof fetch>) => fetch(...args),
  };
}

/**
 * A grammY Api for the bot, with telegramClientOptions(). Create one per
 * invocation; never log it (its URLs carry the token).
 *
 * @example const api = createTelegramApi(env); await api.sendMessage(chatId, "hi");
 */
export function createTelegramApi(env: Pick<Env, "TELEGRAM_BOT_TOKEN" | "TELEGRAM_API_ROOT">): Api {
  return new Api(env.TELEGRAM_BOT_TOKEN, telegramClientOptions(env));
}

/** One message the notifier sends, independent of how (Bot API or mock record). */
export type OutgoingMessage =
  | { method: "sendPhoto"; chatId: number; photo: string; caption: string; buttons: InlineButton[] }
  | {
      method: "sendMessage";
      chatId: number;
      text: string;
      buttons: InlineButton[];
      /** The page the link preview shows; null: no preview. */
      previewUrl: string | null;
      /** Sent as a reply to this message of the chat (a flat's follow-up); absent: not a reply. */
      replyTo?: number;
    }
  /** New buttons for a message sent before (a told flat's card lists a new ad): no notification. */
  | { method: "editMessageReplyMarkup"; chatId: number; messageId: number; buttons: InlineButton[] };

/** The visible text of an outgoing message (caption or text; an edit of buttons has none). */
export function messageText(message: OutgoingMessage): string {
  if (message.method === "editMessageReplyMarkup") return "";
  return message.method === "sendPhoto" ? message.caption : message.text;
}

function keyboard(buttons: readonly InlineButton[]) {
  if (!buttons.length) return undefined;
  return { inline_keyboard: buttons.map((b) => ["url" in b ? { text: b.text, url: b.url } : { text: b.text, callback_data: b.callbackData }]) };
}

/**
 * Sends an OutgoingMessage in HTML parse mode (or edits the buttons of one).
 * Throws grammY's GrammyError or HttpError; classifyTelegramError() (errors.ts)
 * says what they mean.
 *
 * @returns Telegram's message id (the edited one's, for an edit)
 */
export async function sendOutgoing(api: Api, message: OutgoingMessage, opts: { paidBroadcast?: boolean } = {}): Promise<number> {
  // Paid broadcasts: over the free 30 a second, 0.1 Star each (config.paidBroadcast).
  const paid = opts.paidBroadcast ? { allow_paid_broadcast: true } : {};
  if (message.method === "editMessageReplyMarkup") {
    await api.editMessageReplyMarkup(message.chatId, message.messageId, { reply_markup: keyboard(message.buttons) ?? { inline_keyboard: [] } });
    return message.messageId;
  }
  if (message.method === "sendPhoto") {
    const sent = await api.sendPhoto(message.chatId, message.photo, {
      caption: message.caption,
      parse_mode: "HTML",
      reply_markup: keyboard(message.buttons),
      ...paid,
    });
    return sent.message_id;
  }
  const sent = await api.sendMessage(message.chatId, message.text, {
    parse_mode: "HTML",
    reply_markup: keyboard(message.buttons),
    link_preview_options: message.previewUrl ? { url: message.previewUrl } : { is_disabled: true },
    // The first message may be gone (the user deleted it): the reply still goes, without the quote.
    ...(message.replyTo === undefined ? {} : { reply_parameters: { message_id: message.replyTo, allow_sending_without_reply: true } }),
    ...paid,
  });
  return sent.message_id;
}
