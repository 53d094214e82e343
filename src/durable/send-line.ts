import type { NextSend } from "../model/dispatch.ts";

/**
 * Who sends next, when Telegram's 30 a second cannot serve everyone at once.
 *
 * The policy: small fan-outs ahead of large ones. A listing that matched more
 * than BULK_FANOUT users (a cheap flat in a big city, 2 000 users at once)
 * takes a minute or more of the bot's whole budget; its users wait in the
 * bulk lane, while a user whose message comes from an ordinary listing goes
 * in the steady lane and keeps the latency they would have without the
 * burst. The steady lane is served first, but while bulk waits it gets at
 * least one send in STEADY_PER_BULK + 1 (one in ten), so a steady stream
 * that fills the budget cannot starve it; a steady backlog rarely lasts more
 * than seconds, so the burst still drains at nearly the whole budget. Inside the bulk lane the order is shuffled: each
 * user draws a random place when they join, so nobody is always last behind
 * the same bulk listings. Inside the steady lane: earliest ready first.
 *
 * Pure: times are passed in, the random source too.
 */

/** While bulk waits, at most this many steady sends go before the next bulk one. */
export const STEADY_PER_BULK = 9;

interface Waiting extends NextSend {
  /** Place in the bulk lane, drawn when the user joined it. */
  draw: number;
}

export class SendLine {
  readonly #waiting = new Map<number, Waiting>();
  /** Users with a send in flight: never picked twice at once. */
  readonly #busy = new Set<number>();
  #steadySinceBulk = 0;

  get size(): number {
    return this.#waiting.size;
  }

  has(userId: number): boolean {
    return this.#waiting.has(userId);
  }

  users(): number[] {
    return [...this.#waiting.keys()];
  }

  /** Adds a user, or moves their next send; a user staying in the bulk lane keeps their place. */
  put(userId: number, next: NextSend, random: () => number): void {
    const known = this.#waiting.get(userId);
    const draw = known?.lane === "bulk" && next.lane === "bulk" ? known.draw : random();
    this.#waiting.set(userId, { ...next, draw });
  }

  remove(userId: number): void {
    this.#waiting.delete(userId);
    this.#busy.delete(userId);
  }

  /** The user's send started: not picked again until done(). */
  busy(userId: number): void {
    this.#busy.add(userId);
  }

  done(userId: number): void {
    this.#busy.delete(userId);
  }

  /**
   * The user to send for now, by the policy above; null when nobody is ready.
   * Picking counts towards the lanes' turns.
   */
  pick(now: number): number | null {
    let steady: [number, Waiting] | null = null;
    let bulk: [number, Waiting] | null = null;
    for (const entry of this.#waiting) {
      const [userId, w] = entry;
      if (w.readyAt > now || this.#busy.has(userId)) continue;
      if (w.lane === "steady") {
        if (!steady || w.readyAt < steady[1].readyAt || (w.readyAt === steady[1].readyAt && userId < steady[0])) steady = entry;
      } else if (!bulk || w.draw < bulk[1].draw) {
        bulk = entry;
      }
    }
    const takeBulk = bulk !== null && (steady === null || this.#steadySinceBulk >= STEADY_PER_BULK);
    const chosen = takeBulk ? bulk : steady;
    if (!chosen) return null;
    this.#steadySinceBulk = takeBulk ? 0 : bulk ? this.#steadySinceBulk + 1 : 0;
    return chosen[0];
  }

  /** The earliest time a waiting user who is not busy becomes ready; null: none. */
  nextReadyAt(): number | null {
    let at: number | null = null;
    for (const [userId, w] of this.#waiting) {
      if (this.#busy.has(userId)) continue;
      if (at === null || w.readyAt < at) at = w.readyAt;
    }
    return at;
  }
}
