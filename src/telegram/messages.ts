import type { Delivery } from "../model/delivery.ts";
import type { Recipient } from "../model/recipient.ts";
import type { OutgoingMessage } from "./api.ts";
import type { FollowUp, ToldFlat } from "../model/follow-up.ts";
import { flatButtons, renderDigest, renderFollowUp, renderListing } from "./render.ts";

/**
 * The notifier's messages, complete: the rendered cards and digest parts of
 * render.ts addressed to a chat and cast as sendPhoto or sendMessage, so
 * whoever sends them only chooses which one goes next.
 */

/** Who a message goes to, and in which language it is written. */
export type MessageTarget = Pick<Recipient, "chatId" | "language">;

/** One listing's message, and what replaces it when Telegram refuses the photo. */
export interface ListingMessage {
  message: OutgoingMessage;
  /** The same card as text (link preview, buttons); null when `message` is text already. */
  textFallback: OutgoingMessage | null;
}

/** The next message of a digest and the notifications it lists. */
export interface DigestPartMessage {
  message: OutgoingMessage;
  notificationIds: number[];
}

/**
 * One delivery as a Telegram message: its photo with the caption when it has
 * a photo and `opts.photo` allows one, else the text card.
 *
 * @param now the clock, for "dodano 5 min temu"
 * @param opts.photo false after Telegram refused this listing's photo once
 * @example const { message, textFallback } = listingMessage(delivery, recipient, Date.now());
 */
export function listingMessage(delivery: Delivery, to: MessageTarget, now: number, opts: { photo: boolean } = { photo: true }): ListingMessage {
  const card = renderListing(delivery, to.language, now);
  const text: OutgoingMessage = {
    method: "sendMessage",
    chatId: to.chatId,
    text: card.text,
    buttons: card.buttons,
    previewUrl: card.previewUrl,
  };
  if (!card.photo || !opts.photo) return { message: text, textFallback: null };
  return {
    message: { method: "sendPhoto", chatId: to.chatId, photo: card.photo, caption: card.caption, buttons: card.buttons },
    textFallback: text,
  };
}

/**
 * The first message of what is left of a digest (renderDigest's first part,
 * as sendMessage without a preview: a digest has many links).
 *
 * @param deliveries the digest's listings not sent yet, oldest first
 * @param progress.total the whole digest's size; progress.offset how many lines earlier parts held
 * @returns null when nothing is left
 */
export function digestPartMessage(
  deliveries: readonly Delivery[],
  to: MessageTarget,
  progress: { total: number; offset: number },
): DigestPartMessage | null {
  const [part] = renderDigest(deliveries, to.language, progress);
  if (!part) return null;
  return {
    message: { method: "sendMessage", chatId: to.chatId, text: part.text, buttons: [], previewUrl: null },
    notificationIds: part.notificationIds,
  };
}

/**
 * A later ad of a flat the chat had, as a reply to the flat's first message (renderFollowUp),
 * without a link preview: the first message shows the flat.
 *
 * @param replyTo the first message's id; null: sent as a plain message
 */
export function followUpMessage(delivery: Delivery, followUp: Extract<FollowUp, { kind: "reply" }>, to: MessageTarget, replyTo: number | null): OutgoingMessage {
  const card = renderFollowUp(delivery, followUp, to.language);
  return {
    method: "sendMessage",
    chatId: to.chatId,
    text: card.text,
    buttons: card.buttons,
    previewUrl: null,
    ...(replyTo === null ? {} : { replyTo }),
  };
}

/** A told flat's card with buttons for every ad the chat was told of (flatButtons): an edit, silent. */
export function flatButtonsEdit(told: ToldFlat & { messageId: number }, to: MessageTarget): OutgoingMessage {
  return { method: "editMessageReplyMarkup", chatId: to.chatId, messageId: told.messageId, buttons: flatButtons(told.ads, told.searchId, told.currency, to.language) };
}
