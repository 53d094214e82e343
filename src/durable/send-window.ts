/**
 * Telegram's bot-wide limit, kept by counting what cannot be seen. A send
 * reaches Telegram at some moment between the dispatcher starting it and the
 * Notifier hearing Telegram's answer; where exactly, no clock says, and on a
 * loaded runtime the delay from "start" to "arrives" varies by hundreds of
 * milliseconds. So a send counts against every second its [start, answer]
 * interval touches: a new one may start only while fewer than `limit` sends
 * are in flight or were answered within the last WINDOW_MS. Whatever the
 * delays, no second of Telegram's clock then holds more than `limit` arrivals.
 * The price is throughput: `limit` a second minus the share of the answer's
 * round trip, which is why no lower limit is needed to leave a margin.
 *
 * Pure: every time is passed in (ms since epoch).
 */

/** Telegram's sliding second. */
export const WINDOW_MS = 1000;
/** Clocks of two Durable Objects may differ by this much; answers count this much longer. */
export const CLOCK_MARGIN_MS = 20;

export class SendWindow {
  readonly #limit: number;
  #inFlight = 0;
  /** Answer times within the window, ascending. */
  #answered: number[] = [];
  #heldUntil = 0;

  /** @param limit sends a second (30: Telegram's free limit) */
  constructor(limit: number) {
    this.#limit = limit;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * When the next send may start: `now`, a later time, or null when `limit`
   * sends are in flight (the next answer frees a place).
   */
  nextStart(now: number): number | null {
    if (this.#heldUntil > now) return this.#heldUntil;
    this.#forget(now);
    const over = this.#inFlight + this.#answered.length - this.#limit + 1;
    if (over <= 0) return now;
    // Answers leave the window oldest first; the over-th oldest frees the place.
    const freeing = this.#answered[over - 1];
    return freeing === undefined ? null : freeing + WINDOW_MS + CLOCK_MARGIN_MS + 1;
  }

  /** A send started (the caller checked nextStart). */
  start(): void {
    this.#inFlight++;
  }

  /**
   * A send ended. `answeredAt`: when its answer came (the Notifier's clock),
   * clamped into [startedAt, now]; null: no answer (it failed before or the
   * call broke), counted as answered now.
   */
  finish(startedAt: number, answeredAt: number | null, now: number): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    const at = Math.min(now, Math.max(startedAt, answeredAt ?? now));
    let i = this.#answered.length;
    while (i > 0 && (this.#answered[i - 1] as number) > at) i--;
    this.#answered.splice(i, 0, at);
  }

  /** Telegram answered 429: nothing starts before `until`. */
  hold(until: number): void {
    this.#heldUntil = Math.max(this.#heldUntil, until);
  }

  #forget(now: number): void {
    let drop = 0;
    while (drop < this.#answered.length && (this.#answered[drop] as number) + WINDOW_MS + CLOCK_MARGIN_MS < now) drop++;
    if (drop > 0) this.#answered.splice(0, drop);
  }
}
