import { DurableObject } from "cloudflare:workers";
import { config } from "../lib/config.ts";
import { errorMessage, log } from "../lib/log.ts";
import type { Enlisted, SendReport } from "../model/dispatch.ts";
import { SendLine } from "./send-line.ts";
import { SendWindow } from "./send-window.ts";

/** Telegram's free limit for the whole bot (messages a second). */
export const FREE_PER_SECOND = 30;
/** With paid broadcasts on, Telegram's paid ceiling (messages a second). */
export const PAID_PER_SECOND = 1000;
/** A Notifier that could not be reached is tried again after this long (ms). */
export const UNREACHABLE_RETRY_MS = 5_000;
/** The loop stops when its next work is further away than this, and an alarm takes over (ms). */
export const IDLE_HANDOVER_MS = 30_000;
/** While the loop runs, an alarm this far ahead restarts it should the object die mid-loop (ms). */
export const WATCHDOG_MS = 60_000;
/** One alarm's loop runs at most this long, then hands over to the next alarm (ms; the limit is 15 min). */
export const LOOP_MAX_MS = 10 * 60_000;

/** Leavers are written down at most this often (ms): forgetting one costs a restart one extra question. */
export const LEAVERS_FLUSH_MS = 1_000;

/**
 * Who is waiting, durably, as one KV value (a row written per change, not
 * per user): rewritten before enlist() returns whenever someone new joins;
 * those who leave are written down lazily, since after a restart a user
 * whose outbox is empty only answers "nothing" once.
 */
class WaitingStore {
  readonly #kv: SyncKvStorage;

  constructor(storage: DurableObjectStorage) {
    this.#kv = storage.kv;
  }

  all(): number[] {
    return this.#kv.get<number[]>("waiting") ?? [];
  }

  save(users: readonly number[]): void {
    this.#kv.put("waiting", users);
  }
}

/**
 * The bot's one dispatcher (`env.SEND_SCHEDULER.getByName("global")`): every
 * message to Telegram starts here, so the whole bot stays under Telegram's
 * limit and a burst is shared fairly.
 *
 * Notifiers hold the messages and know when each may go (the chat's 1 s gap,
 * backoffs, quiet hours); the filter enlists the users whose Notifier has
 * work. This object keeps them in a SendLine (steady before bulk, see
 * send-line.ts) and, in one alarm's loop, calls `sendNext` on the chosen
 * Notifier whenever the SendWindow (send-window.ts) has room: Telegram's 30
 * a second, counted over each send's whole [start, answer] interval. Each
 * answer says when that user's next message may go, or that there is none.
 *
 * Who waits is stored (WaitingStore), so a restart loses nobody; everything
 * else (ready times, lanes, the window) is memory, rebuilt from the
 * Notifiers' next answers.
 * Pushing sends from one place costs one Notifier call per message and no
 * Notifier alarms; a line of places handed out ahead (Notifiers waking on
 * their own alarms to claim them) cost four calls and two alarms.
 */
export class SendScheduler extends DurableObject<Env> {
  /** The clock (ms since epoch). */
  now: () => number = () => Date.now();
  /** Waits `ms`, or less when woken (tests swap in a virtual clock). */
  sleep: (ms: number, wake: Promise<void>) => Promise<void> = (ms, wake) =>
    Promise.race([new Promise<void>((resolve) => setTimeout(resolve, ms)), wake]);
  random: () => number = () => Math.random();

  readonly #store: WaitingStore;
  readonly #line = new SendLine();
  readonly #window: SendWindow;
  readonly #paid: SendWindow | null;
  #running = false;
  /** Someone left the line since it was last saved. */
  #leaversUnsaved = false;
  #savedAt = 0;
  #wake: () => void = () => {};
  #woken: Promise<void> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new WaitingStore(ctx.storage);
    this.#window = new SendWindow(FREE_PER_SECOND);
    // Paid sends fill what Telegram's paid ceiling leaves above the free ones.
    this.#paid = config(env).paidBroadcast ? new SendWindow(PAID_PER_SECOND - FREE_PER_SECOND) : null;
    // After a restart, each stored user's Notifier is asked at once and says when it is really ready.
    for (const userId of this.#store.all()) this.#line.put(userId, { readyAt: 0, lane: "steady" }, this.random);
    this.#resetWake();
  }

  /**
   * Users whose Notifier has messages waiting, with when the first may go and
   * in which lane. Idempotent; a user already waiting gets the new time.
   *
   * @example await env.SEND_SCHEDULER.getByName("global").enlist([{ userId, readyAt, lane: "steady" }])
   */
  async enlist(entries: readonly Enlisted[]): Promise<void> {
    if (entries.length === 0) return;
    const joined = entries.some((e) => !this.#line.has(e.userId));
    for (const { userId, readyAt, lane } of entries) this.#line.put(userId, { readyAt, lane }, this.random);
    if (joined) this.#save();
    if (this.#running) this.#wake();
    else await this.ctx.storage.setAlarm(this.now());
  }

  /** The line and the window, for the admin page and tests. */
  async inspect(): Promise<{ waiting: number; inFlight: number; running: boolean }> {
    return { waiting: this.#line.size, inFlight: this.#window.inFlight + (this.#paid?.inFlight ?? 0), running: this.#running };
  }

  override async alarm(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      await this.#loop();
    } catch (error) {
      log.error("scheduler_loop_failed", { error: errorMessage(error) });
      await this.ctx.storage.setAlarm(this.now() + UNREACHABLE_RETRY_MS);
    } finally {
      this.#running = false;
    }
  }

  async #loop(): Promise<void> {
    const started = this.now();
    let watchdogAt = 0;
    const inFlight = new Set<Promise<void>>();
    for (;;) {
      const now = this.now();
      if (now - watchdogAt > WATCHDOG_MS / 2) {
        watchdogAt = now;
        await this.ctx.storage.setAlarm(now + WATCHDOG_MS);
      }
      const ready = this.#line.nextReadyAt();
      if (ready === null || ready - now > IDLE_HANDOVER_MS || now - started > LOOP_MAX_MS) {
        if (inFlight.size > 0) {
          await Promise.race([...inFlight, this.#woken]);
          continue;
        }
        // Nothing soon: an alarm wakes the next loop (enlist() sets one sooner when work comes).
        if (this.#leaversUnsaved) this.#save();
        if (ready === null) await this.ctx.storage.deleteAlarm();
        else await this.ctx.storage.setAlarm(Math.max(ready, now + 1));
        // An enlist() during that await found the loop running and set no alarm: look again.
        if (this.#line.nextReadyAt() !== ready) continue;
        return;
      }
      if (ready > now) {
        await this.sleep(ready - now, this.#woken);
        continue;
      }
      const free = this.#window.nextStart(now);
      const paid = this.#paid && free !== now ? this.#paid.nextStart(now) : null;
      const window = free === now ? this.#window : paid === now ? this.#paid : null;
      if (!window) {
        const at = [free, paid].filter((t): t is number => t !== null);
        if (at.length === 0) await Promise.race([...inFlight, this.#woken]);
        else await this.sleep(Math.min(...at) - now, this.#woken);
        continue;
      }
      const userId = this.#line.pick(now);
      if (userId === null) {
        await this.sleep(1, this.#woken);
        continue;
      }
      const send = this.#dispatch(userId, window, window === this.#paid).finally(() => inFlight.delete(send));
      inFlight.add(send);
    }
  }

  /** One message for one user; what the Notifier answers moves the user in the line. */
  async #dispatch(userId: number, window: SendWindow, paid: boolean): Promise<void> {
    const startedAt = this.now();
    window.start();
    this.#line.busy(userId);
    let report: SendReport | null = null;
    try {
      report = await this.env.NOTIFIER.getByName(String(userId)).sendNext({ paid });
    } catch (error) {
      log.error("scheduler_notifier_unreachable", { user: userId, error: errorMessage(error) });
    }
    const now = this.now();
    window.finish(startedAt, report?.answeredAt ?? null, now);
    this.#line.done(userId);
    if (report?.holdAllUntil) {
      this.#window.hold(report.holdAllUntil);
      this.#paid?.hold(report.holdAllUntil);
    }
    if (report === null) this.#line.put(userId, { readyAt: now + UNREACHABLE_RETRY_MS, lane: "steady" }, this.random);
    else if (report.next) this.#line.put(userId, report.next, this.random);
    else {
      this.#line.remove(userId);
      this.#leaversUnsaved = true;
      if (now - this.#savedAt >= LEAVERS_FLUSH_MS) this.#save();
    }
    this.#wake();
  }

  #save(): void {
    this.#store.save(this.#line.users());
    this.#savedAt = this.now();
    this.#leaversUnsaved = false;
  }

  #resetWake(): void {
    this.#woken = new Promise<void>((resolve) => {
      this.#wake = () => {
        resolve();
        this.#resetWake();
      };
    });
  }
}
