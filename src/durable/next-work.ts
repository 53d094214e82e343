import type { Delivery } from "../model/delivery.ts";
import { type FollowUp, type ToldFlat, followUpOf, toldAfter } from "../model/follow-up.ts";
import { DEFAULT_PRICE_DROP_THRESHOLD_PCT } from "../model/price-change.ts";
import type { Recipient } from "../model/recipient.ts";
import type { OutgoingMessage } from "../telegram/api.ts";
import { digestPartMessage, flatButtonsEdit, followUpMessage, listingMessage } from "../telegram/messages.ts";
import type { Outbox, OutboxRow } from "./outbox.ts";
import type { ToldFlats } from "./told-flats.ts";

/** A follow-up of a told flat (a reply to its first message, or new buttons on it), and what the chat knew of the flat before it. */
export interface FollowUpWork {
  flatKey: string;
  told: ToldFlat;
  followUp: FollowUp;
}

/** What the next send carries: one listing, one part of a digest, or one follow-up of a told flat (a reply, or new buttons on its card). */
export interface Work {
  digest: boolean;
  /** The outbox rows the message covers, oldest first. */
  rows: OutboxRow[];
  message: OutgoingMessage;
  /** Sent instead when Telegram refuses the photo; null: `message` is text. */
  textFallback: OutgoingMessage | null;
  /** A follow-up of a flat the chat was told of (a price drop, another site, a new link); null: a card or a digest part. */
  followUp: FollowUpWork | null;
}

/** What a row of the outbox comes to, given what the chat was told. */
type Verdict = { kind: "card" } | { kind: "followUp"; work: FollowUpWork } | { kind: "merge" };

/**
 * A row's verdict: the first ad of a flat the chat has not had is a card; a later ad of a told
 * flat (or a new price of it) is a follow-up when it adds something (followUpOf: a reply, or the
 * card's buttons edited to list a new link), else it is merged without a call. A price update
 * of a flat the chat was never told of is nothing to them.
 */
function verdictOf(delivery: Delivery, told: ToldFlats, recipient: Recipient): Verdict {
  const { listing, priceUpdate } = delivery;
  const known = listing.flatKey === null ? null : told.get(listing.flatKey);
  if (!known || listing.flatKey === null) return priceUpdate ? { kind: "merge" } : { kind: "card" };
  const followUp = followUpOf(known, listing, recipient.priceDropPct ?? DEFAULT_PRICE_DROP_THRESHOLD_PCT);
  return followUp ? { kind: "followUp", work: { flatKey: listing.flatKey, told: known, followUp } } : { kind: "merge" };
}

/**
 * Merges the deliveries just queued that add nothing to a flat the chat was told of: marked
 * merged at once, so they wait for no turn and enlist nobody.
 *
 * @returns the ids merged
 */
export function mergeTold(outbox: Outbox, told: ToldFlats, recipient: Recipient, queued: readonly Delivery[], now: number): number[] {
  const merged = queued.filter((d) => verdictOf(d, told, recipient).kind === "merge").map((d) => d.notificationId);
  if (merged.length) outbox.finish(merged, "merged", now);
  return merged;
}

/**
 * Chooses what a Notifier sends next: the current digest's next part; else a
 * new digest when more than the threshold are queued (or when what is queued
 * waited out the quiet hours); else the oldest due row: its card, or its
 * follow-up when the chat was told of its flat. Rows found to add nothing on
 * the way are marked merged (the caller records them). Starting a digest and
 * ending the quiet hold are written to the outbox here.
 *
 * @param defaultThreshold the digest threshold when the recipient chose none
 * @returns the work (null: nothing is due) and the rows merged
 */
export function pickWork(
  outbox: Outbox,
  told: ToldFlats,
  recipient: Recipient,
  now: number,
  defaultThreshold: number,
): { work: Work | null; merged: OutboxRow[] } {
  let digestRows = outbox.digestRows(now);
  const threshold = outbox.heldForQuietHours() ? 1 : (recipient.digestThreshold ?? defaultThreshold);
  outbox.releaseQuietHold();
  if (digestRows.length === 0 && outbox.queuedCount() > threshold) {
    // Only follow-ups queued (they go one by one, as replies): no digest to start.
    const cards = digestable(outbox, told);
    if (cards.length > 0) outbox.startDigest(cards);
    digestRows = outbox.digestRows(now);
  }
  if (digestRows.length > 0) {
    const progress = outbox.digestProgress();
    const part = digestPartMessage(
      digestRows.map((r) => r.delivery),
      recipient,
      { total: progress.total, offset: progress.done },
    );
    if (part) {
      const ids = new Set(part.notificationIds);
      const work = { digest: true, rows: digestRows.filter((r) => ids.has(r.notificationId)), message: part.message, textFallback: null, followUp: null };
      return { work, merged: [] };
    }
  }
  const merged: OutboxRow[] = [];
  for (let row = outbox.nextDue(now); row; row = outbox.nextDue(now)) {
    const verdict = verdictOf(row.delivery, told, recipient);
    if (verdict.kind === "card") {
      return { work: { digest: false, rows: [row], followUp: null, ...listingMessage(row.delivery, recipient, now, { photo: !row.photoRefused }) }, merged };
    }
    if (verdict.kind === "followUp") {
      const { told, followUp } = verdict.work;
      const message =
        followUp.kind === "reply"
          ? followUpMessage(row.delivery, followUp, recipient, told.messageId)
          : flatButtonsEdit({ ...toldAfter(told, row.delivery.listing, followUp), messageId: told.messageId ?? 0 }, recipient);
      return { work: { digest: false, rows: [row], message, textFallback: null, followUp: verdict.work }, merged };
    }
    outbox.finish([row.notificationId], "merged", now);
    merged.push(row);
  }
  return { work: null, merged };
}

/**
 * The queued rows a digest lists: the first of each flat the chat was not told of. The others
 * wait: once the digest has told of their flat, each is a follow-up or merged.
 */
function digestable(outbox: Outbox, told: ToldFlats): number[] {
  const seen = new Set<string>();
  const ids: number[] = [];
  for (const { id, flatKey, priceUpdate } of outbox.queuedFlats()) {
    if (priceUpdate) continue;
    if (flatKey !== null) {
      if (seen.has(flatKey) || told.get(flatKey)) continue;
      seen.add(flatKey);
    }
    ids.push(id);
  }
  return ids;
}
