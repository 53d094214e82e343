/**
 * The contract of the bot's one SendScheduler (src/durable/): the filter
 * and the account changes enlist users whose Notifier has messages waiting;
 * the scheduler grants one send at a time; the Notifier sends (or finds it
 * is not time yet) and says when its next message may go, and in which lane.
 */

/**
 * A message whose listing matched more users than this waits in the bulk
 * lane: at 30 a second, 100 users take the whole bot's budget for 3 s.
 */
export const BULK_FANOUT = 100;

/** steady: ordinary listings, served first; bulk: one listing's large fan-out, served in what steady leaves. */
export type Lane = "steady" | "bulk";

/** The lane of a message whose listing went to `fanout` users. */
export function laneOf(fanout: number): Lane {
  return fanout > BULK_FANOUT ? "bulk" : "steady";
}

/** What a Notifier says about its next message: when it may go, and in which lane. */
export interface NextSend {
  readyAt: number;
  lane: Lane;
}

/** One send granted by the scheduler. */
export interface SendGrant {
  /** Over Telegram's free 30 a second: send with allow_paid_broadcast (the operator turned paid broadcasts on). */
  paid: boolean;
}

/** What a Notifier answers to a grant. */
export interface SendReport {
  /** When Telegram answered (the Notifier's clock); null: nothing was sent. */
  answeredAt: number | null;
  /** The user's next message; null: the outbox is empty. */
  next: NextSend | null;
  /** Telegram answered 429: no message of the whole bot before this time. */
  holdAllUntil: number | null;
}

/** A user whose Notifier has messages waiting. */
export interface Enlisted extends NextSend {
  userId: number;
}

/**
 * Tells the bot's one SendScheduler that these users have messages waiting.
 *
 * @example await enlist(env, [{ userId, ...next }])
 */
export async function enlist(env: Pick<Env, "SEND_SCHEDULER">, entries: readonly Enlisted[]): Promise<void> {
  if (entries.length > 0) await env.SEND_SCHEDULER.getByName("global").enlist(entries);
}
