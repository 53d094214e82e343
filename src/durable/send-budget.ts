import { DurableObject } from "cloudflare:workers";
import { GLOBAL_GAP_MS, GLOBAL_PER_SECOND, LINE_GAP_MS, reserveSlot } from "./pacing.ts";

/** Longest the budget may be pushed ahead of a caller's clock (ms); more means a clock jumped. */
export const MAX_BUDGET_AHEAD_MS = 10 * 60 * 1000;
/**
 * At most GLOBAL_PER_SECOND grants in any window this long. Longer than
 * Telegram's second by the spread of the delay from grant to arrival, so
 * grants at the two edges of a window never arrive inside one second.
 */
export const GRANT_WINDOW_MS = 1_100;

/**
 * The bot's global send budget: ONE instance (`env.SEND_BUDGET.getByName("global")`)
 * keeps all Notifiers together under Telegram's ~30 messages per second.
 *
 * Two steps. `reserve` hands out places in line LINE_GAP_MS apart, like
 * workers-chat-demo's RateLimiter: one "next allowed time" pushed forward per
 * reservation, so a burst of 2 000 users is spread over a minute and each
 * Notifier sleeps on its own alarm until its turn. But alarms run late under
 * load, and places 40 ms apart can come due together. So the send itself is
 * granted here too (`claim`, or `reserve` when the place is now): at most
 * GLOBAL_PER_SECOND grants in any GRANT_WINDOW_MS. A claim is answered at
 * once, never held here (a waiting caller is billed duration): refused, it
 * gets a time to come back, each refused caller a different one, GLOBAL_GAP_MS
 * apart, so they don't all return together. The line hands out places a
 * little slower than grants are allowed, which leaves room for late ones.
 * After a 429 nothing is granted until retry_after has passed.
 *
 * The state lives in memory only: a durable write per reservation would hold
 * every reply behind the storage output gate on the hottest path, and after an
 * eviction (which needs ~10 s of idleness) the budget is free again anyway.
 */
export class SendBudget extends DurableObject<Env> {
  #nextAllowed = 0;
  /** Grants of the last GRANT_WINDOW_MS (callers' clocks), oldest first. */
  #granted: number[] = [];
  /** The latest come-back time handed to a refused claim. */
  #lastRetry = 0;
  /** No grant before this (Telegram's retry_after). */
  #heldUntil = 0;

  /**
   * A place in line for the next send.
   *
   * @param now the caller's clock (ms since epoch)
   * @returns `now` when the caller may send right away (granted); else the
   *   later time to come back at and `claim`
   * @example const at = await env.SEND_BUDGET.getByName("global").reserve(Date.now());
   */
  async reserve(now: number): Promise<number> {
    // A budget far ahead of the caller means a clock jumped (or a test clock
    // restarted), not a real backlog: 30 msg/s never queues 10 minutes.
    if (this.#nextAllowed - now > MAX_BUDGET_AHEAD_MS) {
      this.#nextAllowed = now;
      this.#granted = [];
      this.#lastRetry = 0;
      this.#heldUntil = 0;
    }
    const { slot, next } = reserveSlot(this.#nextAllowed, now, LINE_GAP_MS);
    this.#nextAllowed = next;
    return slot > now ? slot : this.claim(now);
  }

  /**
   * A reserved place came due: may the caller send now?
   *
   * @returns `now` when granted (counted); else the time to claim again
   */
  async claim(now: number): Promise<number> {
    if (this.#heldUntil > now) return this.#comeBack(this.#heldUntil);
    while (this.#granted.length > 0 && (this.#granted[0] as number) <= now - GRANT_WINDOW_MS) this.#granted.shift();
    if (this.#granted.length < GLOBAL_PER_SECOND) {
      this.#granted.push(now);
      return now;
    }
    return this.#comeBack((this.#granted[this.#granted.length - GLOBAL_PER_SECOND] as number) + GRANT_WINDOW_MS);
  }

  /**
   * Holds every send until `until` (Telegram answered 429 with retry_after).
   *
   * @param now the caller's clock, bounding how far the hold may reach
   */
  async holdUntil(until: number, now: number): Promise<void> {
    const bounded = Math.min(until, now + MAX_BUDGET_AHEAD_MS);
    this.#nextAllowed = Math.max(this.#nextAllowed, bounded);
    this.#heldUntil = Math.max(this.#heldUntil, bounded);
  }

  /** A come-back time at or after `earliest`, GLOBAL_GAP_MS after the last one handed out. */
  #comeBack(earliest: number): number {
    this.#lastRetry = Math.ceil(Math.max(earliest, this.#lastRetry + GLOBAL_GAP_MS));
    return this.#lastRetry;
  }
}
