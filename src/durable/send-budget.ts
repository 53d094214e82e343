import { DurableObject } from "cloudflare:workers";
import { GLOBAL_GAP_MS, reserveSlot } from "./pacing.ts";

/** Longest the budget may be pushed ahead of a caller's clock (ms); more means a clock jumped. */
export const MAX_BUDGET_AHEAD_MS = 10 * 60 * 1000;
/** Longest a claim waits here for its turn; a caller further back comes back later (its own alarm). */
export const MAX_CLAIM_WAIT_MS = 2_000;

/**
 * The bot's global send budget: ONE instance (`env.SEND_BUDGET.getByName("global")`)
 * keeps all Notifiers together under Telegram's ~30 messages per second.
 *
 * Two steps. `reserve` hands out places in line GLOBAL_GAP_MS apart, like
 * workers-chat-demo's RateLimiter: one "next allowed time" pushed forward per
 * reservation, so a burst of 2 000 users is spread over a minute and each
 * Notifier sleeps on its own alarm until its turn. But alarms run late under
 * load, and places 36 ms apart can come due together; so the send itself is
 * granted here too (`claim`, or `reserve` when the place is now): grants
 * leave one at a time, at least GLOBAL_GAP_MS apart on this object's own
 * clock, however the claims bunch up. A claim waits here at most
 * MAX_CLAIM_WAIT_MS. After a 429 nothing is granted until retry_after has
 * passed; the claims sent back then come again together, and leave in turn.
 *
 * The state lives in memory only: a durable write per reservation would hold
 * every reply behind the storage output gate on the hottest path, and after an
 * eviction (which needs ~10 s of idleness) the budget is free again anyway.
 */
export class SendBudget extends DurableObject<Env> {
  #nextAllowed = 0;
  /** Claims waiting for their grant, oldest first. */
  #pending: (() => void)[] = [];
  #granting = false;
  /** This object's clock (Date.now) at the last grant. */
  #lastGrant = 0;
  /** The callers' clock: no grant before this (Telegram's retry_after). */
  #heldUntil = 0;

  /**
   * A place in line for the next send.
   *
   * @param now the caller's clock (ms since epoch)
   * @returns `now` when the caller may send right away (granted, possibly after
   *   a short wait here); else the later time to come back at and `claim`
   * @example const at = await env.SEND_BUDGET.getByName("global").reserve(Date.now());
   */
  async reserve(now: number): Promise<number> {
    // A budget far ahead of the caller means a clock jumped (or a test clock
    // restarted), not a real backlog: 30 msg/s never queues 10 minutes.
    if (this.#nextAllowed - now > MAX_BUDGET_AHEAD_MS) this.#nextAllowed = now;
    const { slot, next } = reserveSlot(this.#nextAllowed, now, GLOBAL_GAP_MS);
    this.#nextAllowed = next;
    return slot > now ? slot : this.claim(now);
  }

  /**
   * A reserved place came due: the send is granted once the grants before it
   * have left (at most MAX_CLAIM_WAIT_MS here).
   *
   * @returns `now` once granted; else, with the line longer than that, the time to claim again
   */
  async claim(now: number): Promise<number> {
    if (this.#heldUntil > now) return this.#heldUntil;
    const wait = this.#lineWaitMs();
    if (wait > MAX_CLAIM_WAIT_MS) return now + wait;
    await new Promise<void>((resolve) => {
      this.#pending.push(resolve);
      void this.#grantInTurn();
    });
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

  /** How long a claim made now would wait for its grant (ms). */
  #lineWaitMs(): number {
    const clock = Date.now();
    return Math.max(this.#lastGrant + GLOBAL_GAP_MS, clock) - clock + this.#pending.length * GLOBAL_GAP_MS;
  }

  /** Releases waiting claims one at a time, GLOBAL_GAP_MS apart as they actually leave. */
  async #grantInTurn(): Promise<void> {
    if (this.#granting) return;
    this.#granting = true;
    try {
      while (this.#pending.length > 0) {
        const wait = this.#lastGrant + GLOBAL_GAP_MS - Date.now();
        if (wait > 0) await scheduler.wait(wait);
        this.#lastGrant = Date.now();
        this.#pending.shift()?.();
      }
    } finally {
      this.#granting = false;
    }
  }
}
