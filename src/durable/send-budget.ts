import { DurableObject } from "cloudflare:workers";
import { GLOBAL_GAP_MS, GLOBAL_PER_SECOND, reserveSlot } from "./pacing.ts";

/** Longest the budget may be pushed ahead of a caller's clock (ms); more means a clock jumped. */
export const MAX_BUDGET_AHEAD_MS = 10 * 60 * 1000;
/** Longest a claim waits here for its turn; a caller further back comes back later (its own alarm). */
export const MAX_CLAIM_WAIT_MS = 2_000;
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
 * Two steps. `reserve` hands out places in line GLOBAL_GAP_MS apart, like
 * workers-chat-demo's RateLimiter: one "next allowed time" pushed forward per
 * reservation, so a burst of 2 000 users is spread over a minute and each
 * Notifier sleeps on its own alarm until its turn. But alarms run late under
 * load, and places 36 ms apart can come due together; so the send itself is
 * granted here too (`claim`, or `reserve` when the place is now): no more
 * than GLOBAL_PER_SECOND grants in any GRANT_WINDOW_MS on this object's own
 * clock, however the claims bunch up. A claim waits here at most
 * MAX_CLAIM_WAIT_MS. Grants are counted in a window, not spaced by a timer
 * each: under load a timer per grant fires late and the rate falls with it. After a 429 nothing is granted until retry_after has
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
  /** This object's clock (Date.now) at each grant of the last GRANT_WINDOW_MS, oldest first. */
  #granted: number[] = [];
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

  /** Roughly how long a claim made now would wait for its grant (ms): the line ahead of it at the budget's rate. */
  #lineWaitMs(): number {
    const ahead = this.#pending.length + this.#recentGrants(Date.now()) - GLOBAL_PER_SECOND + 1;
    return Math.max(0, ahead) * GLOBAL_GAP_MS;
  }

  #recentGrants(clock: number): number {
    while (this.#granted.length > 0 && (this.#granted[0] as number) <= clock - GRANT_WINDOW_MS) this.#granted.shift();
    return this.#granted.length;
  }

  /** Releases waiting claims, oldest first, as the window has room. */
  async #grantInTurn(): Promise<void> {
    if (this.#granting) return;
    this.#granting = true;
    try {
      while (this.#pending.length > 0) {
        const clock = Date.now();
        if (this.#recentGrants(clock) < GLOBAL_PER_SECOND) {
          this.#granted.push(clock);
          this.#pending.shift()?.();
          continue;
        }
        await scheduler.wait((this.#granted[0] as number) + GRANT_WINDOW_MS - clock);
      }
    } finally {
      this.#granting = false;
    }
  }
}
