import { DurableObject } from "cloudflare:workers";
import { GLOBAL_GAP_MS, reserveSlot } from "./pacing.ts";

/** Longest the budget may be pushed ahead of a caller's clock (ms); more means a clock jumped. */
export const MAX_BUDGET_AHEAD_MS = 10 * 60 * 1000;

/**
 * The bot's global send budget: ONE instance (`env.SEND_BUDGET.getByName("global")`)
 * hands out send slots at least GLOBAL_GAP_MS apart, so all Notifiers together
 * stay under Telegram's ~30 messages per second. Like workers-chat-demo's
 * RateLimiter it keeps one "next allowed time" and pushes it forward per
 * reservation; it never sleeps: a caller whose slot is later sets its own alarm.
 *
 * The time lives in memory only: a durable write per reservation would hold
 * every reply behind the storage output gate on the hottest path, and after an
 * eviction (which needs ~10 s of idleness) the budget is free again anyway.
 */
export class SendBudget extends DurableObject<Env> {
  #nextAllowed = 0;

  /**
   * Reserves the next send slot.
   *
   * @param now the caller's clock (ms since epoch)
   * @returns the time (ms) at which the caller may send; >= now
   * @example const slot = await env.SEND_BUDGET.getByName("global").reserve(Date.now());
   */
  async reserve(now: number): Promise<number> {
    // A budget far ahead of the caller means a clock jumped (or a test clock
    // restarted), not a real backlog: 30 msg/s never queues 10 minutes.
    if (this.#nextAllowed - now > MAX_BUDGET_AHEAD_MS) this.#nextAllowed = now;
    const { slot, next } = reserveSlot(this.#nextAllowed, now, GLOBAL_GAP_MS);
    this.#nextAllowed = next;
    return slot;
  }

  /**
   * Holds every send until `until` (Telegram answered 429 with retry_after).
   *
   * @param now the caller's clock, bounding how far the hold may reach
   */
  async holdUntil(until: number, now: number): Promise<void> {
    this.#nextAllowed = Math.max(this.#nextAllowed, Math.min(until, now + MAX_BUDGET_AHEAD_MS));
  }
}
