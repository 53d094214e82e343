import { DurableObject } from "cloudflare:workers";
import { errorMessage, log } from "../lib/log.ts";
import { config } from "../lib/config.ts";
import type { Delivery } from "../model/delivery.ts";
import { DEFAULT_DIGEST_THRESHOLD, type Recipient, quietWindowEnd } from "../model/recipient.ts";
import { Bookkeeper } from "./bookkeeping.ts";
import { type NextSend, type SendGrant, type SendReport, enlist, laneOf } from "../model/dispatch.ts";
import { mergeTold, pickWork } from "./next-work.ts";
import { ToldFlats } from "./told-flats.ts";
import { Outbox, type OutboxState, type SentLogEntry } from "./outbox.ts";
import { SENT_RETENTION_MS, chatGapMs, nextSendAt } from "./pacing.ts";
import { Transport } from "./transport.ts";

/**
 * One Durable Object per user (`env.NOTIFIER.getByName(String(userId))`):
 * holds that user's messages and knows when each may go. The filter hands
 * matches over with deliver(); they wait in an outbox in the object's SQLite
 * storage. The bot's one SendScheduler starts every send: it calls
 * sendNext() when the bot-wide budget has room and this user's turn has
 * come, and each answer says when the next message may go (chatGapMs after
 * the last: 1 s, 3 s in a group, after a backoff on 5xx and network errors, after a 429's
 * retry_after, after the user's quiet hours). A backlog past
 * `digestThreshold` goes out as one digest. The Notifier sets no alarms: the
 * scheduler keeps time for everyone.
 *
 * This class holds the RPC methods. What goes next is next-work.ts's choice,
 * how it leaves is transport.ts's, and what the outcome means (outbox, D1,
 * metrics, the operator) is bookkeeping.ts's.
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
  readonly #told: ToldFlats;
  readonly #transport: Transport;
  readonly #books: Bookkeeper;
  /** A send is on its way: a second grant meanwhile (a restarted scheduler's) must not pick the same row. */
  #sending = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#outbox = new Outbox(ctx.storage);
    this.#told = new ToldFlats(ctx.storage);
    this.metrics = env.METRICS;
    this.telegramMode = config(env).telegramMode;
    // Both read the settings above through `this` on every use, so a test's change is seen.
    this.#transport = new Transport(env, this.#outbox, this);
    this.#books = new Bookkeeper({ env, outbox: this.#outbox, told: this.#told, settings: this, alerts: this.#transport });
  }

  /**
   * Takes a user's new matches (all of a batch in one call) into the outbox.
   * Idempotent: notification ids already here, queued or done in the last
   * SENT_RETENTION_MS, are ignored. While the user is paused, nothing is
   * accepted: what arrives (a batch that raced the pause) is dropped and
   * recorded as such. The caller enlists the user with the SendScheduler
   * when `next` is not null (also when nothing was new: an earlier try's
   * enlisting may be what failed).
   *
   * @returns how many deliveries were new and queued, and the next send
   * @example const { next } = await env.NOTIFIER.getByName(String(userId)).deliver(recipient, deliveries)
   */
  async deliver(recipient: Recipient, deliveries: Delivery[]): Promise<{ accepted: number; next: NextSend | null }> {
    const now = this.now();
    this.#outbox.prune(now - SENT_RETENTION_MS);
    this.#told.prune(now);
    this.#outbox.setRecipient(recipient);
    // A price update has no notifications row to be keyed by; a repeat of one is merged at its turn.
    const keyed = deliveries.map((d) => (d.priceUpdate ? { ...d, notificationId: this.#outbox.nextUpdateId() } : d));
    const added = this.#outbox.add(keyed, now);
    if (this.#outbox.isPaused()) {
      // Kept as dropped rather than refused, so a redelivery after /resume sends nothing either.
      await this.#books.drop(recipient.userId, added, "paused", now);
      return { accepted: 0, next: null };
    }
    const isNew = new Set(added);
    const merged = mergeTold(this.#outbox, this.#told, recipient, keyed.filter((d) => isNew.has(d.notificationId)), now);
    await this.#books.merged(recipient.userId, merged.map((id) => ({ id, handedAt: now })), now);
    if (added.length > merged.length) this.#holdIfQuiet(recipient, now);
    return { accepted: added.length - merged.length, next: this.#next() };
  }

  /**
   * The scheduler's grant: sends the next message if its time has come.
   * Safe to call early or twice: every gate is checked against the stored
   * state, and an early call sends nothing and says when to come back.
   * Never throws for Telegram's failures.
   */
  async sendNext(grant: SendGrant = { paid: false }): Promise<SendReport> {
    const now = this.now();
    const recipient = this.#outbox.recipient();
    const next = this.#next();
    if (recipient === null || next === null) {
      // deliver() stores the recipient before any row: rows without one cannot be sent.
      if (next !== null) log.error("notifier_no_recipient", { queued: this.#outbox.queuedCount() });
      return { answeredAt: null, next: null, holdAllUntil: null };
    }
    if (this.#sending) return { answeredAt: null, next: { ...next, readyAt: Math.max(next.readyAt, now + chatGapMs(recipient)) }, holdAllUntil: null };
    if (next.readyAt > now) return { answeredAt: null, next, holdAllUntil: null };

    this.#sending = true;
    try {
      const { work, merged } = pickWork(this.#outbox, this.#told, recipient, now, this.digestThreshold);
      await this.#books.merged(recipient.userId, merged.map((r) => ({ id: r.notificationId, handedAt: r.addedAt })), now);
      if (!work) return { answeredAt: null, next: this.#next(), holdAllUntil: null };
      const started = this.now();
      const outcome = await this.#transport.send(work, recipient, started, grant);
      const answeredAt = this.now();
      const { holdAllUntil } = await this.#books.settle(recipient, work, outcome, { started, finished: answeredAt });
      // After the send, not before: the scheduler counts the time from its grant to Telegram's answer.
      this.#outbox.prune(answeredAt - SENT_RETENTION_MS);
      return { answeredAt, next: this.#next(), holdAllUntil };
    } finally {
      this.#sending = false;
    }
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
    return { dropped: ids.length };
  }

  /**
   * The user changed their language, quiet hours or digest threshold: what
   * is queued already goes out by the new settings (each message is written
   * when it is sent).
   *
   * @returns the next send under the new settings, for the scheduler; null: nothing queued
   */
  async updateRecipient(recipient: Recipient): Promise<NextSend | null> {
    this.#outbox.setRecipient(recipient);
    if (this.#outbox.queuedCount() > 0) this.#holdIfQuiet(recipient, this.now());
    return this.#next();
  }

  /** Outbox rows by state, the next send and the pause, for the admin page and tests. */
  async inspect(): Promise<{ counts: Record<OutboxState, number>; next: NextSend | null; chatNextAllowed: number; paused: boolean }> {
    return {
      counts: this.#outbox.counts(),
      next: this.#next(),
      chatNextAllowed: this.#outbox.chatNextAllowed(chatGapMs(this.#outbox.recipient())),
      paused: this.#outbox.isPaused(),
    };
  }

  /** What mock mode recorded instead of sending, oldest first. */
  async recorded(limit = 1000): Promise<SentLogEntry[]> {
    return this.#outbox.recorded(limit);
  }

  /** An alarm armed by an older version of this class: its messages go to the scheduler instead. */
  override async alarm(): Promise<void> {
    try {
      const next = this.#next();
      const userId = this.#outbox.recipient()?.userId;
      if (next && userId !== undefined) await enlist(this.env, [{ userId, ...next }]);
    } catch (error) {
      log.error("notifier_alarm_failed", { error: errorMessage(error) });
    }
  }

  /** What is queued during the user's quiet hours waits them out and then goes as one digest. */
  #holdIfQuiet(recipient: Recipient, now: number): void {
    if (quietWindowEnd(now, recipient.quietHours ?? null) !== null) this.#outbox.holdForQuietHours();
  }

  /** When the next message may go, and in which lane; null: nothing queued. */
  #next(): NextSend | null {
    const head = this.#outbox.head();
    const readyAt = nextSendAt({
      earliestDue: head?.dueAt ?? null,
      chatNextAllowed: this.#outbox.chatNextAllowed(chatGapMs(this.#outbox.recipient())),
      quiet: this.#outbox.recipient()?.quietHours ?? null,
    });
    return head && readyAt !== null ? { readyAt, lane: laneOf(head.fanout) } : null;
  }
}
