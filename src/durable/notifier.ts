import { DurableObject } from "cloudflare:workers";
import { errorMessage, log } from "../lib/log.ts";
import { config } from "../lib/config.ts";
import type { Delivery } from "../model/delivery.ts";
import { DEFAULT_DIGEST_THRESHOLD, type Recipient, quietWindowEnd } from "../model/recipient.ts";
import { Bookkeeper } from "./bookkeeping.ts";
import { pickWork } from "./next-work.ts";
import { Outbox, type OutboxState, type SentLogEntry } from "./outbox.ts";
import { BACKOFF_BASE_MS, SENT_RETENTION_MS, STALE_PLACE_MS, nextWakeAt } from "./pacing.ts";
import { Transport } from "./transport.ts";

/**
 * One Durable Object per user (`env.NOTIFIER.getByName(String(userId))`):
 * serialises that user's Telegram messages. The filter hands matches over with
 * deliver(); they wait in an outbox in the object's SQLite storage, and an
 * alarm sends them one at a time: at least CHAT_GAP_MS apart, each inside a
 * grant of the global SendBudget, honouring 429 retry_after, backing off on 5xx
 * and network errors. A backlog past `digestThreshold` goes out as one digest.
 * The alarm follows the data: it is armed for the earliest moment the next
 * send may happen, and not at all when the outbox is empty.
 *
 * This class holds the RPC methods, the alarm and its arming. What goes next
 * is next-work.ts's choice, how it leaves is transport.ts's, and what the
 * outcome means (outbox, D1, metrics, the operator) is bookkeeping.ts's.
 *
 * Every time decision reads `now()`, so tests drive the schedule without waiting.
 */
export class Notifier extends DurableObject<Env> {
  /** The clock (ms since epoch). */
  now: () => number = () => Date.now();
  /** Jitter source for backoffs, in [0, 1). */
  random: () => number = () => Math.random();
  /** More queued messages than this at send time go out as one digest. */
  digestThreshold = DEFAULT_DIGEST_THRESHOLD;
  /** Where "send" and "send_error" points go (tests swap in a recorder). */
  metrics: AnalyticsEngineDataset | undefined;
  /** TELEGRAM_MODE: "mock" records every message instead of calling Telegram. */
  telegramMode: "live" | "mock";

  readonly #outbox: Outbox;
  readonly #transport: Transport;
  readonly #books: Bookkeeper;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#outbox = new Outbox(ctx.storage);
    this.metrics = env.METRICS;
    this.telegramMode = config(env).telegramMode;
    // Both read the settings above through `this` on every use, so a test's change is seen.
    this.#transport = new Transport(env, this.#outbox, this);
    this.#books = new Bookkeeper({ env, outbox: this.#outbox, settings: this, alerts: this.#transport });
  }

  /**
   * Takes a user's new matches (all of a batch in one call) into the outbox
   * and arms the alarm. Idempotent: notification ids already here, queued or
   * done in the last SENT_RETENTION_MS, are ignored. While the user is
   * paused, nothing is accepted: what arrives (a batch that raced the pause)
   * is dropped and recorded as such.
   *
   * @returns how many deliveries were new and queued
   * @example await env.NOTIFIER.getByName(String(userId)).deliver(recipient, deliveries)
   */
  async deliver(recipient: Recipient, deliveries: Delivery[]): Promise<{ accepted: number }> {
    const now = this.now();
    this.#outbox.prune(now - SENT_RETENTION_MS);
    this.#outbox.setRecipient(recipient);
    const added = this.#outbox.add(deliveries, now);
    if (this.#outbox.isPaused()) {
      // Kept as dropped rather than refused, so a redelivery after /resume sends nothing either.
      await this.#books.drop(recipient.userId, added, "paused", now);
      return { accepted: 0 };
    }
    if (added.length > 0) this.#holdIfQuiet(recipient, now);
    await this.#arm();
    return { accepted: added.length };
  }

  /**
   * The user paused all notifications (/pause): everything queued is dropped,
   * whether held for quiet hours, waiting in a digest or paced, and deliver()
   * accepts nothing until resume().
   *
   * @returns how many queued notifications were dropped
   * @example await env.NOTIFIER.getByName(String(userId)).pause()
   */
  async pause(): Promise<{ dropped: number }> {
    this.#outbox.setPaused(true);
    const ids = this.#outbox.queuedIds();
    await this.#books.drop(this.#outbox.recipient()?.userId ?? null, ids, "paused", this.now());
    await this.#arm();
    return { dropped: ids.length };
  }

  /** The user resumed (/resume): deliver() takes new matches again; nothing dropped comes back. */
  async resume(): Promise<void> {
    this.#outbox.setPaused(false);
  }

  /**
   * Saved searches were deleted or muted: their queued notifications are
   * dropped, those inside a digest being sent too (its later parts count
   * without them).
   *
   * @returns how many queued notifications were dropped
   */
  async dropSearches(searchIds: number[]): Promise<{ dropped: number }> {
    const ids = this.#outbox.queuedIdsOfSearches(searchIds);
    await this.#books.drop(this.#outbox.recipient()?.userId ?? null, ids, "search_removed", this.now());
    await this.#arm();
    return { dropped: ids.length };
  }

  /**
   * The user changed their language, quiet hours or digest threshold: what
   * is queued already goes out by the new settings (each message is written
   * when it is sent), and the alarm moves with the quiet hours.
   */
  async updateRecipient(recipient: Recipient): Promise<void> {
    this.#outbox.setRecipient(recipient);
    if (this.#outbox.queuedCount() > 0) this.#holdIfQuiet(recipient, this.now());
    await this.#arm();
  }

  /** Outbox rows by state, the armed alarm (ms or null) and the pause, for the admin page and tests. */
  async inspect(): Promise<{ counts: Record<OutboxState, number>; alarmAt: number | null; chatNextAllowed: number; paused: boolean }> {
    return {
      counts: this.#outbox.counts(),
      alarmAt: await this.ctx.storage.getAlarm(),
      chatNextAllowed: this.#outbox.chatNextAllowed(),
      paused: this.#outbox.isPaused(),
    };
  }

  /** What mock mode recorded instead of sending, oldest first. */
  async recorded(limit = 1000): Promise<SentLogEntry[]> {
    return this.#outbox.recorded(limit);
  }

  /**
   * Sends the next message if its time has come, then re-arms while work is
   * left. Safe to run early or twice: it re-checks every gate against the
   * stored state. Never throws (a throwing alarm would be retried blindly).
   */
  override async alarm(): Promise<void> {
    try {
      await this.#tick();
    } catch (error) {
      log.error("notifier_alarm_failed", { error: errorMessage(error) });
      const wake = this.#wakeAt();
      if (wake !== null) await this.ctx.storage.setAlarm(Math.max(wake, this.now() + BACKOFF_BASE_MS));
    }
  }

  async #tick(): Promise<void> {
    const now = this.now();
    this.#outbox.prune(now - SENT_RETENTION_MS);
    const recipient = this.#outbox.recipient();
    // A place is for sending right then: one left from before an empty outbox
    // or a long 429 wait would let this send jump the global line.
    const held = this.#outbox.budgetPlace();
    if (held !== null && (held.dueAt < now - STALE_PLACE_MS || this.#outbox.earliestDue() === null)) this.#outbox.releaseBudgetPlace();
    const wake = this.#wakeAt();
    if (recipient === null) {
      // deliver() stores the recipient before any row: rows without one cannot be sent.
      if (wake !== null) log.error("notifier_no_recipient", { queued: this.#outbox.queuedCount() });
      return this.ctx.storage.deleteAlarm();
    }
    // Inside alarm() the running alarm is spent: always re-arm explicitly.
    if (wake === null) return this.#arm(true);
    if (wake > now) return this.#arm(true); // early or repeated alarm

    // A place in line first; when a held place comes due, the budget still
    // grants the send itself: alarms that ran late come due together.
    const budget = this.env.SEND_BUDGET.getByName("global");
    const at = this.#outbox.budgetPlace() === null ? await budget.reserve(now) : await budget.claim(now);
    if (at > now) {
      this.#outbox.holdBudgetPlace({ dueAt: at });
      return this.#arm(true);
    }
    this.#outbox.releaseBudgetPlace();

    const work = pickWork(this.#outbox, recipient, now, this.digestThreshold);
    if (work) {
      const started = this.now();
      const outcome = await this.#transport.send(work, recipient, started);
      await this.#books.settle(recipient, work, outcome, { started, finished: this.now() });
    }
    await this.#arm(true);
  }

  /** What is queued during the user's quiet hours waits them out and then goes as one digest. */
  #holdIfQuiet(recipient: Recipient, now: number): void {
    if (quietWindowEnd(now, recipient.quietHours ?? null) !== null) this.#outbox.holdForQuietHours();
  }

  /** The earliest moment the next send may happen; null: nothing queued. */
  #wakeAt(): number | null {
    return nextWakeAt({
      earliestDue: this.#outbox.earliestDue(),
      chatNextAllowed: this.#outbox.chatNextAllowed(),
      budgetPlaceDue: this.#outbox.budgetPlace()?.dueAt ?? null,
      quiet: this.#outbox.recipient()?.quietHours ?? null,
    });
  }

  /**
   * Alarm follows the data: armed for the next send time, deleted when there
   * is no work. Outside alarm() an alarm already set for that time is left as is.
   */
  async #arm(inAlarm = false): Promise<void> {
    const wake = this.#wakeAt();
    if (wake === null) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    if (inAlarm || (await this.ctx.storage.getAlarm()) !== wake) await this.ctx.storage.setAlarm(wake);
  }
}
