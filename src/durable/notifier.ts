import { DurableObject } from "cloudflare:workers";
import { errorMessage, log } from "../lib/log.ts";
import { recordMetric } from "../lib/metrics.ts";
import { type OutgoingMessage, createTelegramApi, messageText, sendOutgoing } from "../telegram/api.ts";
import { adminChatId, sendAdminAlert } from "../telegram/admin-alert.ts";
import { type TelegramFailure, classifyTelegramError, failureCode } from "../telegram/errors.ts";
import { digestPartMessage, listingMessage } from "../telegram/messages.ts";
import { renderFailureAlert } from "../telegram/render.ts";
import { listingTime } from "../model/listing.ts";
import { DEFAULT_DIGEST_THRESHOLD, quietWindowEnd } from "../model/recipient.ts";
import type { Delivery } from "../model/delivery.ts";
import type { Recipient } from "../model/recipient.ts";
import { Outbox, type OutboxRow, type OutboxState, type SentLogEntry } from "./outbox.ts";
import {
  BACKOFF_BASE_MS,
  CHAT_GAP_MS,
  MAX_SEND_ATTEMPTS,
  SENT_RETENTION_MS,
  STALE_PLACE_MS,
  backoffDelayMs,
  nextWakeAt,
} from "./pacing.ts";
import { bumpSearchVersionStatement } from "../db/searches.ts";
import { markDroppedStatement, markFailedStatement, markSentStatement, markUserBlockedStatement } from "./records.ts";

/** What the next send carries: one listing, or one part of a digest. */
interface Work {
  digest: boolean;
  rows: OutboxRow[];
  message: OutgoingMessage;
  /** Sent instead when Telegram refuses the photo; null: `message` is text. */
  textFallback: OutgoingMessage | null;
}

type Outcome = { ok: true; message: OutgoingMessage } | { ok: false; message: OutgoingMessage; failure: TelegramFailure };

/**
 * One Durable Object per user (`env.NOTIFIER.getByName(String(userId))`):
 * serialises that user's Telegram messages. The filter hands matches over with
 * deliver(); they wait in an outbox in the object's SQLite storage, and an
 * alarm sends them one at a time: at least CHAT_GAP_MS apart, each inside a
 * slot of the global SendBudget, honouring 429 retry_after, backing off on 5xx
 * and network errors. A backlog past `digestThreshold` goes out as one digest.
 * The alarm follows the data: it is armed for the earliest moment the next
 * send may happen, and not at all when the outbox is empty.
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

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#outbox = new Outbox(ctx.storage);
    this.metrics = env.METRICS;
    this.telegramMode = env.TELEGRAM_MODE === "mock" ? "mock" : "live";
  }

  /**
   * Takes a user's new matches (all of a batch in one call) into the outbox
   * and arms the alarm. Idempotent: notification ids already here, queued or
   * done in the last SENT_RETENTION_MS, are ignored.
   *
   * @returns how many deliveries were new
   * @example await env.NOTIFIER.getByName(String(userId)).deliver(recipient, deliveries)
   */
  async deliver(recipient: Recipient, deliveries: Delivery[]): Promise<{ accepted: number }> {
    const now = this.now();
    this.#outbox.prune(now - SENT_RETENTION_MS);
    this.#outbox.setRecipient(recipient);
    const accepted = this.#outbox.add(deliveries, now);
    if (accepted > 0 && quietWindowEnd(now, recipient.quietHours ?? null) !== null) this.#outbox.holdForQuietHours();
    await this.#arm();
    return { accepted };
  }

  /** Outbox rows by state and the armed alarm (ms or null), for the admin page and tests. */
  async inspect(): Promise<{ counts: Record<OutboxState, number>; alarmAt: number | null; chatNextAllowed: number }> {
    return {
      counts: this.#outbox.counts(),
      alarmAt: await this.ctx.storage.getAlarm(),
      chatNextAllowed: this.#outbox.chatNextAllowed(),
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

    const work = this.#pickWork(recipient, now);
    if (work) await this.#send(recipient, work);
    await this.#arm(true);
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

  /** The current digest's next part, a new digest when the backlog is past the threshold, or the oldest due row. */
  #pickWork(recipient: Recipient, now: number): Work | null {
    let digestRows = this.#outbox.digestRows(now);
    // What waited out the quiet hours goes as one digest, whatever the threshold.
    const threshold = this.#outbox.heldForQuietHours() ? 1 : (recipient.digestThreshold ?? this.digestThreshold);
    this.#outbox.releaseQuietHold();
    if (digestRows.length === 0 && this.#outbox.queuedCount() > threshold) {
      this.#outbox.startDigest();
      digestRows = this.#outbox.digestRows(now);
    }
    if (digestRows.length > 0) {
      const progress = this.#outbox.digestProgress();
      const part = digestPartMessage(
        digestRows.map((r) => r.delivery),
        recipient,
        { total: progress.total, offset: progress.done },
      );
      if (part) {
        const ids = new Set(part.notificationIds);
        return { digest: true, rows: digestRows.filter((r) => ids.has(r.notificationId)), message: part.message, textFallback: null };
      }
    }
    const row = this.#outbox.nextDue(now);
    if (!row) return null;
    return { digest: false, rows: [row], ...listingMessage(row.delivery, recipient, now, { photo: !row.photoRefused }) };
  }

  #isMock(recipient: Recipient): boolean {
    return this.telegramMode === "mock" || recipient.isMock;
  }

  /** Sends (or records) one message and applies the outcome to the outbox, D1 and metrics. */
  async #send(recipient: Recipient, work: Work): Promise<void> {
    const started = this.now();
    const mock = this.#isMock(recipient);
    const outcome = mock ? this.#record(work, started) : await this.#call(recipient, work);
    const finished = this.now();
    const ids = work.rows.map((r) => r.notificationId);
    const first = work.rows[0]?.delivery.listing;

    if (outcome.ok) {
      this.#outbox.finish(ids, "sent", finished);
      this.#outbox.holdChat(finished + CHAT_GAP_MS);
      log.info("notifier_sent", {
        user: recipient.userId,
        method: outcome.message.method,
        notifications: ids.length,
        digest: work.digest,
        mock,
        ms: finished - started,
      });
      for (const row of work.rows) {
        const listing = row.delivery.listing;
        recordMetric(this.metrics, {
          stage: "send",
          source: listing.source,
          city: listing.city,
          durationMs: finished - started,
          e2eMs: finished - listingTime(listing),
        });
      }
      await this.#d1("mark_sent", (d1) => markSentStatement(d1, ids, finished, { mock, digest: work.digest }).run());
      return;
    }

    const { failure } = outcome;
    recordMetric(this.metrics, {
      stage: "send_error",
      source: first?.source ?? null,
      city: first?.city ?? null,
      outcome: failureCode(failure),
      durationMs: finished - started,
      count: ids.length,
    });
    log.warn("notifier_send_failed", {
      user: recipient.userId,
      method: outcome.message.method,
      kind: failure.kind,
      code: failure.code,
      description: failure.description,
      notifications: ids.length,
    });

    switch (failure.kind) {
      case "rate_limited": {
        // Telegram names the wait; the chat waits, and so does the whole bot,
        // since the per-chat gap already keeps us under the per-chat limit.
        const until = finished + failure.retryAfterS * 1000;
        this.#outbox.holdChat(until);
        await this.env.SEND_BUDGET.getByName("global").holdUntil(until, finished);
        return;
      }
      case "blocked":
        return this.#blocked(recipient, failure, finished);
      case "transient": {
        const attempts = Math.max(...work.rows.map((r) => r.attempts)) + 1;
        if (attempts >= MAX_SEND_ATTEMPTS) return this.#failed(recipient, ids, failure, attempts, finished);
        this.#outbox.retryLater(ids, attempts, finished + backoffDelayMs(attempts, this.random));
        this.#outbox.holdChat(finished + CHAT_GAP_MS);
        return;
      }
      case "photo_refused": // only after the text fallback failed the same way, which Telegram does not do
      case "rejected": {
        const attempts = Math.max(...work.rows.map((r) => r.attempts)) + 1;
        this.#outbox.holdChat(finished + CHAT_GAP_MS);
        return this.#failed(recipient, ids, failure, attempts, finished);
      }
    }
  }

  /** Mock mode: the message goes to the sent_log table, as if Telegram had accepted it. */
  #record(work: Work, at: number): Outcome {
    const m = work.message;
    this.#outbox.record({
      method: m.method,
      chatId: m.chatId,
      text: messageText(m),
      photo: m.method === "sendPhoto" ? m.photo : null,
      notificationIds: work.rows.map((r) => r.notificationId),
      at,
    });
    return { ok: true, message: m };
  }

  /** Calls the Bot API; a refused photo is retried at once as text (that call was no delivered message). */
  async #call(recipient: Recipient, work: Work): Promise<Outcome> {
    const api = createTelegramApi(this.env);
    try {
      await sendOutgoing(api, work.message);
      return { ok: true, message: work.message };
    } catch (error) {
      const failure = classifyTelegramError(error);
      const row = work.rows[0];
      const text = work.textFallback;
      if (failure.kind !== "photo_refused" || !row || !text) return { ok: false, message: work.message, failure };
      log.info("notifier_photo_refused", { user: recipient.userId, notification: row.notificationId, description: failure.description });
      recordMetric(this.metrics, {
        stage: "send_error",
        source: row.delivery.listing.source,
        city: row.delivery.listing.city,
        outcome: "photo_refused",
      });
      this.#outbox.markPhotoRefused(row.notificationId);
      try {
        await sendOutgoing(api, text);
        return { ok: true, message: text };
      } catch (retryError) {
        return { ok: false, message: text, failure: classifyTelegramError(retryError) };
      }
    }
  }

  /** 403: the user blocked the bot. Everything queued is dropped; nothing more is sent. */
  async #blocked(recipient: Recipient, failure: TelegramFailure, at: number): Promise<void> {
    const ids = this.#outbox.queuedIds();
    this.#outbox.finish(ids, "dropped", at);
    log.warn("notifier_user_blocked", { user: recipient.userId, dropped: ids.length });
    await this.#d1("mark_blocked", (d1) =>
      d1.batch([
        markUserBlockedStatement(d1, recipient.userId, at),
        markDroppedStatement(d1, ids, 403, failure.description),
        // Filter caches drop the user's searches on the next batch, not after their TTL.
        bumpSearchVersionStatement(d1),
      ]),
    );
  }

  /** The last attempt failed, or retrying cannot help: record it and tell the operator once. */
  async #failed(recipient: Recipient, ids: number[], failure: TelegramFailure, attempts: number, at: number): Promise<void> {
    this.#outbox.finish(ids, "failed", at);
    await this.#d1("mark_failed", (d1) => markFailedStatement(d1, ids, failure.code, failure.description).run());
    await this.#alert(
      renderFailureAlert({
        userId: recipient.userId,
        notificationIds: ids,
        code: failure.code,
        description: failure.description,
        attempts,
      }),
      at,
    );
  }

  /** One message to ADMIN_CHAT_ID (when set); its own failure is logged, never retried. */
  async #alert(text: string, at: number): Promise<void> {
    const chatId = adminChatId(this.env);
    if (chatId === null) return;
    if (this.telegramMode === "mock") {
      this.#outbox.record({ method: "sendMessage", chatId, text, photo: null, notificationIds: [], at });
      return;
    }
    await sendAdminAlert(this.env, text);
  }

  /** A D1 write after the fact: its failure is logged, not thrown (the message itself went or failed already). */
  async #d1(event: string, write: (d1: D1Database) => Promise<unknown>): Promise<void> {
    try {
      await write(this.env.DB);
    } catch (error) {
      log.error(`notifier_${event}_failed`, { error: errorMessage(error) });
    }
  }
}
