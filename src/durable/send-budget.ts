import { DurableObject } from "cloudflare:workers";
import { GLOBAL_GAP_MS, GLOBAL_PER_SECOND, GLOBAL_WINDOW_MS, reserveSlot, windowWait } from "./pacing.ts";

/** Longest the budget may be pushed ahead of a caller's clock (ms); more means a clock jumped. */
export const MAX_BUDGET_AHEAD_MS = 10 * 60 * 1000;

/**
 * The bot's global send budget: ONE instance (`env.SEND_BUDGET.getByName("global")`)
 * hands out send slots at least GLOBAL_GAP_MS apart, so all Notifiers together
 * stay under Telegram's ~30 messages per second. Like workers-chat-demo's
 * RateLimiter it keeps one "next allowed time" and pushes it forward per
 * reservation; it never sleeps: a caller whose slot is later sets its own alarm.
 *
 * A slot is a place in line, not a send: the Notifier sends when its alarm
 * runs, and alarms run late under load, so slots reserved 36 ms apart can
 * come due together. So the send itself is granted here too (at a slot that
 * is due now, or by `claim` when a held slot's alarm runs), and no more than
 * GLOBAL_PER_SECOND grants go out in any second, however late their alarms.
 *
 * The time lives in memory only: a durable write per reservation would hold
 * every reply behind the storage output gate on the hottest path, and after an
 * eviction (which needs ~10 s of idleness) the budget is free again anyway.
 */
export class SendBudget extends DurableObject<Env> {
  #nextAllowed = 0;
  /** Sends granted in the last GLOBAL_WINDOW_MS, ascending. */
  #granted: number[] = [];
  /** No grant before this (Telegram's retry_after). */
  #heldUntil = 0;

  /**
   * Reserves the next send slot.
   *
   * @param now the caller's clock (ms since epoch)
   * @returns `now` when the caller may send right away (the send is counted);
   *   else the later time to come back at, holding its place, and `claim`
   * @example const slot = await env.SEND_BUDGET.getByName("global").reserve(Date.now());
   */
  async reserve(now: number): Promise<number> {
    // A budget far ahead of the caller means a clock jumped (or a test clock
    // restarted), not a real backlog: 30 msg/s never queues 10 minutes.
    if (this.#nextAllowed - now > MAX_BUDGET_AHEAD_MS) {
      this.#nextAllowed = now;
      this.#granted = [];
      this.#heldUntil = 0;
    }
    const { slot, next } = reserveSlot(this.#nextAllowed, now, GLOBAL_GAP_MS);
    this.#nextAllowed = next;
    return slot > now ? slot : this.#grant(now);
  }

  /**
   * A reserved slot came due: may the caller send now?
   *
   * @returns `now` (the send is counted), or the later time to claim again
   */
  async claim(now: number): Promise<number> {
    return this.#grant(now);
  }

  #grant(now: number): number {
    if (this.#heldUntil > now) return this.#heldUntil;
    this.#granted = this.#granted.filter((t) => t > now - GLOBAL_WINDOW_MS);
    const wait = windowWait(this.#granted, now, GLOBAL_PER_SECOND);
    if (wait > 0) return now + wait;
    this.#granted.push(now);
    return now;
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
}
