import type { Language } from "./language.ts";
import { warsawInstant, warsawOffsetHours } from "./warsaw-time.ts";

/** A daily window in Europe/Warsaw wall-clock minutes after midnight; start > end wraps past midnight. */
export interface QuietHours {
  startMin: number;
  endMin: number;
}

/** More queued messages than this at send time become one digest (a user may choose another number). */
export const DEFAULT_DIGEST_THRESHOLD = 10;

/** Bounds of the digest threshold a user may choose. */
export const DIGEST_THRESHOLD_RANGE = { min: 1, max: 50 } as const;

/** Bounds of the price-drop threshold (%) a user may choose: under 1 % is noise, over 50 % never happens. */
export const PRICE_DROP_RANGE = { min: 1, max: 50 } as const;

/**
 * Why the settings page refuses the account form (src/account/settings.ts),
 * as a code worded in the user's language: a malformed time, one of the two
 * quiet-hours times only, both the same, a threshold or a price-drop share out of range.
 */
export type AccountProblem = "time" | "both_times" | "same_times" | "threshold" | "drop_pct";

/** Who a Notifier object sends to, and how they want it. */
export interface Recipient {
  userId: number;
  chatId: number;
  language: Language;
  /** Synthetic user: record instead of calling Telegram. */
  isMock: boolean;
  /** No messages in this Europe/Warsaw window (what arrives is kept and sent as one digest after); null: none. */
  quietHours: QuietHours | null;
  /** More queued messages than this go out as one digest; null: the default. */
  digestThreshold: number | null;
  /** A flat they were sent that drops at least this much (%) is sent again as a reply; absent or null: the default 3 %. */
  priceDropPct?: number | null;
  /**
   * `chatId` is a group or supergroup a search delivers to (issue 16), not the
   * user's private chat: it has a Notifier of its own (notifierKey) and is paced
   * at GROUP_MESSAGES_PER_MINUTE. Absent: false.
   */
  group?: boolean;
}

/** What a user chooses for their notifications (bot commands and the settings page's account form). */
export interface AccountSettings {
  paused: boolean;
  language: Language;
  quietHours: QuietHours | null;
  digestThreshold: number | null;
  /** A sent flat that gets this much cheaper (%) comes again as a reply; null: the default 3 %. */
  priceDropPct: number | null;
}

/** The users-table columns quiet hours are stored in, as one value; null unless both are set. */
export function quietHoursOf(startMin: number | null, endMin: number | null): QuietHours | null {
  return startMin !== null && endMin !== null ? { startMin, endMin } : null;
}

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;

/**
 * If `instant` falls inside the user's quiet hours (Europe/Warsaw wall clock),
 * the instant they end; null outside them. A window whose start is after its
 * end wraps past midnight (23:00–07:00). Of an October end that happens
 * twice, the later; of a March end that never happens, the hour after:
 * quiet hours may run long, never short.
 *
 * @example quietWindowEnd(Date.UTC(2026, 0, 10, 23, 30), { startMin: 23 * 60, endMin: 7 * 60 }) // 06:00 UTC next day (07:00 CET)
 */
export function quietWindowEnd(instant: number, quiet: QuietHours | null): number | null {
  if (!quiet || quiet.startMin === quiet.endMin) return null;
  const local = instant + warsawOffsetHours(instant) * 3_600_000;
  const minute = Math.floor(local / MINUTE) % DAY_MINUTES;
  const inside = quiet.startMin < quiet.endMin ? minute >= quiet.startMin && minute < quiet.endMin : minute >= quiet.startMin || minute < quiet.endMin;
  if (!inside) return null;
  const until = (quiet.endMin - minute + DAY_MINUTES) % DAY_MINUTES;
  return warsawInstant(local - (local % MINUTE) + until * MINUTE, "later");
}

/**
 * Telegram's limit for one group or supergroup: about 20 messages a minute (Bot API FAQ), stricter
 * than a private chat's one a second.
 */
export const GROUP_MESSAGES_PER_MINUTE = 20;

/**
 * Which Notifier a recipient's messages go through (`env.NOTIFIER.getByName(String(key))`), and
 * the key the SendScheduler lines it up by: a private chat's is its user's id; a group's is the
 * group's chat id, negative in Telegram, so never a user's. One Notifier per chat paces that chat
 * and remembers which flats it was sent, whoever's search matched.
 */
export function notifierKey(recipient: Pick<Recipient, "userId" | "chatId" | "group">): number {
  return recipient.group ? recipient.chatId : recipient.userId;
}
