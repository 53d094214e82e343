/**
 * Pure timing rules of the Notifier. Every time is in
 * milliseconds since the epoch; nothing here reads a clock or sleeps.
 */
import { GROUP_MESSAGES_PER_MINUTE, type QuietHours, type Recipient, quietWindowEnd } from "../model/recipient.ts";

/** Telegram: about one message per second to one chat. */
export const CHAT_GAP_MS = 1000;
/** Telegram: about 20 messages a minute to one group. */
export const GROUP_GAP_MS = 60_000 / GROUP_MESSAGES_PER_MINUTE;

/** The least time between two messages to the recipient's chat. */
export function chatGapMs(recipient: Pick<Recipient, "group"> | null): number {
  return recipient?.group ? GROUP_GAP_MS : CHAT_GAP_MS;
}
/** Attempts of one message on 5xx and network errors before it counts as failed. */
export const MAX_SEND_ATTEMPTS = 6;
/** First backoff after a 5xx or network error; doubles per attempt. */
export const BACKOFF_BASE_MS = 1000;
/** Longest backoff between two attempts. */
export const BACKOFF_CAP_MS = 60_000;
/**
 * A send whose outcome is unknown (the call timed out or the connection broke
 * after the request left) has most likely reached the chat: the Bot API has
 * no idempotency key, so a retry is a second copy. It is retried (at least
 * once beats lost), but no sooner than this: a minute, the same order as the
 * timeout itself, so an answer that was merely slow has long come back.
 */
export const UNKNOWN_OUTCOME_RETRY_MS = 60_000;
/**
 * How long sent (and dropped, failed) ids are remembered, so a hand-over
 * repeated by the queue sends nothing twice. Longer than the queue's retries;
 * D1's status covers later replays (the filter re-hands only unsent matches).
 * Every outbox query scans the table, so a short memory keeps reads cheap.
 */
export const SENT_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Delay before the next attempt after `failedAttempts` failures: 1 s, 2 s,
 * 4 s, … capped at BACKOFF_CAP_MS, plus up to 25 % jitter so users who failed
 * together do not retry together. Never below the un-jittered delay.
 *
 * @param failedAttempts attempts so far, at least 1
 * @param random a number in [0, 1)
 * @example backoffDelayMs(3, () => 0) // 4000
 */
export function backoffDelayMs(failedAttempts: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const base = Math.min(BACKOFF_BASE_MS * 2 ** exponent, BACKOFF_CAP_MS);
  return Math.round(base * (1 + 0.25 * random()));
}

/**
 * When the Notifier's next message may go: its earliest due row, but not
 * before the chat may get a message again, nor inside the user's quiet hours.
 * null: nothing queued.
 */
export function nextSendAt(s: { earliestDue: number | null; chatNextAllowed: number; quiet?: QuietHours | null }): number | null {
  if (s.earliestDue === null) return null;
  const wake = Math.max(s.earliestDue, s.chatNextAllowed);
  return quietWindowEnd(wake, s.quiet ?? null) ?? wake;
}
