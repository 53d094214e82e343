import type { Recipient } from "../model/recipient.ts";
import type { OutgoingMessage } from "../telegram/api.ts";
import { digestPartMessage, listingMessage } from "../telegram/messages.ts";
import type { Outbox, OutboxRow } from "./outbox.ts";

/** What the next send carries: one listing, or one part of a digest. */
export interface Work {
  digest: boolean;
  /** The outbox rows the message covers, oldest first. */
  rows: OutboxRow[];
  message: OutgoingMessage;
  /** Sent instead when Telegram refuses the photo; null: `message` is text. */
  textFallback: OutgoingMessage | null;
}

/**
 * Chooses what a Notifier sends next: the current digest's next part; else a
 * new digest when more than the threshold are queued (or when what is queued
 * waited out the quiet hours); else the oldest due row. Starting a digest and
 * ending the quiet hold are written to the outbox here.
 *
 * @param defaultThreshold the digest threshold when the recipient chose none
 * @returns null when nothing is due
 */
export function pickWork(outbox: Outbox, recipient: Recipient, now: number, defaultThreshold: number): Work | null {
  let digestRows = outbox.digestRows(now);
  const threshold = outbox.heldForQuietHours() ? 1 : (recipient.digestThreshold ?? defaultThreshold);
  outbox.releaseQuietHold();
  if (digestRows.length === 0 && outbox.queuedCount() > threshold) {
    outbox.startDigest();
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
      return { digest: true, rows: digestRows.filter((r) => ids.has(r.notificationId)), message: part.message, textFallback: null };
    }
  }
  const row = outbox.nextDue(now);
  if (!row) return null;
  return { digest: false, rows: [row], ...listingMessage(row.delivery, recipient, now, { photo: !row.photoRefused }) };
}
