/**
 * Pure timing rules of the notifier and the send budget. Every time is in
 * milliseconds since the epoch; nothing here reads a clock or sleeps.
 */
import { type QuietHours, quietWindowEnd } from "../model/recipient.ts";

/** Telegram: about one message per second to one chat. */
export const CHAT_GAP_MS = 1000;
/**
 * Telegram: about 30 messages per second for the whole bot. The budget grants
 * two fewer: it spaces sends as they leave the budget, Telegram counts them as
 * they arrive a few milliseconds later, and that jitter must not tip a second over.
 */
export const GLOBAL_PER_SECOND = 28;
export const GLOBAL_GAP_MS = 1000 / GLOBAL_PER_SECOND;
/** The send budget's line moves at 25 places a second: slower than grants, so places that come due late still find room. */
export const LINE_GAP_MS = 1000 / 25;
/** Attempts of one message on 5xx and network errors before it counts as failed. */
export const MAX_SEND_ATTEMPTS = 6;
/** First backoff after a 5xx or network error; doubles per attempt. */
export const BACKOFF_BASE_MS = 1000;
/** Longest backoff between two attempts. */
export const BACKOFF_CAP_MS = 60_000;
/** A held place in the budget's line this far in the past is given up and a new one reserved. */
export const STALE_PLACE_MS = 5000;
/** How long sent (and dropped, failed) ids are remembered, so a redelivery never sends twice. */
export const SENT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

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
 * One reservation against a "next allowed time" (workers-chat-demo's
 * RateLimiter): the slot is now or the next allowed time, whichever is later,
 * and the next allowed time moves one gap past the slot. Never waits.
 *
 * @returns the slot (rounded up to a whole ms) and the new next allowed time
 * @example reserveSlot(0, 1000, 100) // { slot: 1000, next: 1100 }
 */
export function reserveSlot(nextAllowed: number, now: number, gapMs: number): { slot: number; next: number } {
  const at = Math.max(now, nextAllowed);
  return { slot: Math.ceil(at), next: at + gapMs };
}

/**
 * When the notifier should wake next: its earliest due row, but not before the
 * chat may get a message again, nor before its held place in the budget's
 * line comes due, nor inside the user's quiet hours. null: nothing queued, so
 * no alarm.
 */
export function nextWakeAt(s: {
  earliestDue: number | null;
  chatNextAllowed: number;
  budgetPlaceDue: number | null;
  quiet?: QuietHours | null;
}): number | null {
  if (s.earliestDue === null) return null;
  const wake = Math.max(s.earliestDue, s.chatNextAllowed, s.budgetPlaceDue ?? 0);
  return quietWindowEnd(wake, s.quiet ?? null) ?? wake;
}
