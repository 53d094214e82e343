import type { Api } from "grammy";
import { config } from "../lib/config.ts";
import type { Recipient } from "../model/recipient.ts";
import { sendAdminAlert } from "../telegram/admin-alert.ts";
import { type OutgoingMessage, createTelegramApi, messageText, sendOutgoing } from "../telegram/api.ts";
import { type TelegramFailure, classifyTelegramError } from "../telegram/errors.ts";
import type { SendGrant } from "../model/dispatch.ts";
import type { Work } from "./next-work.ts";
import type { Outbox } from "./outbox.ts";

/** How one send went. */
export interface Outcome {
  /** What went out, or was tried last: the text fallback after a refused photo. */
  message: OutgoingMessage;
  /** null: Telegram accepted it, or mock mode recorded it. */
  failure: TelegramFailure | null;
  /** The message's id in its chat (mock mode: its record's), when it went; a follow-up replies to it. */
  messageId: number | null;
  /** Recorded in mock mode instead of sent. */
  mock: boolean;
  /** Telegram refused the photo first, and the text fallback was tried. */
  refusedPhoto: TelegramFailure | null;
}

/** What the transport reads from its Notifier on every send (tests change it on a live object). */
export interface TransportSettings {
  /** "mock": record every message, the operator's alerts too, instead of calling Telegram. */
  readonly telegramMode: "live" | "mock";
}

type TransportEnv = Pick<Env, "TELEGRAM_BOT_TOKEN" | "TELEGRAM_API_ROOT" | "ADMIN_CHAT_ID" | "TELEGRAM_MODE">;

/**
 * How a Notifier's messages leave: through the Bot API (a refused photo is
 * tried again at once as text), or into the outbox's mock record. It only
 * reports what happened; the Notifier's bookkeeping decides what that means.
 */
export class Transport {
  readonly #env: TransportEnv;
  readonly #record: Pick<Outbox, "record">;
  readonly #settings: TransportSettings;

  constructor(env: TransportEnv, record: Pick<Outbox, "record">, settings: TransportSettings) {
    this.#env = env;
    this.#record = record;
    this.#settings = settings;
  }

  /**
   * Sends one piece of work to the recipient, or records it for a mock
   * recipient or in mock mode. Never throws for a Telegram failure.
   *
   * @param at the time a recorded message is stamped with
   * @param grant the scheduler's: whether this one goes as a paid broadcast
   */
  async send(work: Work, recipient: Recipient, at: number, grant: SendGrant): Promise<Outcome> {
    if (this.#settings.telegramMode === "mock" || recipient.isMock) {
      const messageId = this.#recordMessage(work.message, work.rows.map((r) => r.notificationId), at);
      return { message: work.message, failure: null, messageId, mock: true, refusedPhoto: null };
    }
    const api = createTelegramApi(this.#env);
    const opts = { paidBroadcast: grant.paid };
    const first = await attempt(api, work.message, opts);
    const text = work.textFallback;
    if (first.failure?.kind !== "photo_refused" || !text) return { message: work.message, ...first, mock: false, refusedPhoto: null };
    // The refused photo was no delivered message: the text goes now, not after another gap.
    return { message: text, ...(await attempt(api, text, opts)), mock: false, refusedPhoto: first.failure };
  }

  /** One message to ADMIN_CHAT_ID, when set; recorded in mock mode. Its own failure is logged, never retried. */
  async alert(html: string, at: number): Promise<void> {
    const chatId = config(this.#env).adminChatId;
    if (chatId === null) return;
    if (this.#settings.telegramMode === "mock") {
      this.#recordMessage({ method: "sendMessage", chatId, text: html, buttons: [], previewUrl: null }, [], at);
      return;
    }
    await sendAdminAlert(this.#env, html);
  }

  #recordMessage(message: OutgoingMessage, notificationIds: number[], at: number): number {
    return this.#record.record({
      method: message.method,
      chatId: message.chatId,
      text: messageText(message),
      photo: message.method === "sendPhoto" ? message.photo : null,
      notificationIds,
      at,
    });
  }
}

/** One Bot API call: the message's id when Telegram accepted it, else the failure. */
async function attempt(api: Api, message: OutgoingMessage, opts: { paidBroadcast: boolean }): Promise<{ failure: TelegramFailure | null; messageId: number | null }> {
  try {
    return { failure: null, messageId: await sendOutgoing(api, message, opts) };
  } catch (error) {
    return { failure: classifyTelegramError(error), messageId: null };
  }
}
