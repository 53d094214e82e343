import { errorMessage, log } from "../lib/log.ts";
import { recordMetric } from "../lib/metrics.ts";
import { listingTime } from "../model/listing.ts";
import type { Recipient } from "../model/recipient.ts";
import { type TelegramFailure, failureCode } from "../telegram/errors.ts";
import { renderFailureAlert } from "../telegram/render.ts";
import type { Work } from "./next-work.ts";
import type { Outbox } from "./outbox.ts";
import { MAX_SEND_ATTEMPTS, UNKNOWN_OUTCOME_RETRY_MS, backoffDelayMs } from "./pacing.ts";
import { type SentNotification, markDroppedStatement, markFailedStatement, markMergedStatement, markSentStatement } from "../db/notifications.ts";
import { toldAfter } from "../model/follow-up.ts";
import type { ToldFlats } from "./told-flats.ts";
import { markBlockedStatements } from "../db/users.ts";
import { chatGoneStatements } from "../db/chats.ts";
import type { Outcome, Transport } from "./transport.ts";

/** What the bookkeeping reads from its Notifier each time (tests change it on a live object). */
export interface BookkeepingSettings {
  /** Where "send" and "send_error" points go. */
  readonly metrics: AnalyticsEngineDataset | undefined;
  /** Jitter source for backoffs, in [0, 1). */
  readonly random: () => number;
}

/** Why queued notifications were dropped unsent: the error their D1 rows carry. */
export type DropReason = "paused" | "search_removed";

export interface BookkeeperOptions {
  env: Pick<Env, "DB">;
  outbox: Outbox;
  told: ToldFlats;
  settings: BookkeepingSettings;
  /** Where the operator is told about a notification that failed for good. */
  alerts: Pick<Transport, "alert">;
}

/**
 * What a Notifier writes down after each send, and when queued rows are
 * dropped unsent: the outbox rows' new state, the chat's hold after a 429,
 * the D1 records, metrics, logs, and the operator's alert when a
 * notification fails for good. The chat's 1 s gap needs no write: the
 * outbox reads it off the finished rows.
 */
export class Bookkeeper {
  readonly #env: BookkeeperOptions["env"];
  readonly #outbox: Outbox;
  readonly #told: ToldFlats;
  readonly #settings: BookkeepingSettings;
  readonly #alerts: BookkeeperOptions["alerts"];

  constructor(options: BookkeeperOptions) {
    this.#env = options.env;
    this.#outbox = options.outbox;
    this.#told = options.told;
    this.#settings = options.settings;
    this.#alerts = options.alerts;
  }

  /**
   * Applies one send's outcome: sent, wait (429), retry later (5xx, network,
   * an unknown outcome), drop everything (403), or fail for good.
   *
   * @param timing when the send started and finished (ms)
   * @returns after a 429, the time before which the whole bot must not send
   */
  async settle(recipient: Recipient, work: Work, outcome: Outcome, timing: { started: number; finished: number }): Promise<{ holdAllUntil: number | null }> {
    const { finished } = timing;
    const ids = work.rows.map((r) => r.notificationId);
    const none = { holdAllUntil: null };
    if (outcome.refusedPhoto) this.#photoRefused(recipient, work, outcome.refusedPhoto);
    if (outcome.failure === null) {
      await this.#sent(recipient, work, outcome, timing);
      return none;
    }

    const { failure } = outcome;
    const first = work.rows[0]?.delivery.listing;
    recordMetric(this.#settings.metrics, {
      stage: "send_error",
      source: first?.source ?? null,
      city: first?.city ?? null,
      outcome: failure.kind === "unknown" ? "unknown" : failureCode(failure),
      durationMs: finished - timing.started,
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

    const attempts = Math.max(...work.rows.map((r) => r.attempts)) + 1;
    switch (failure.kind) {
      case "rate_limited": {
        // Telegram names the wait; the chat waits, and so does the whole bot,
        // since the per-chat gap already keeps us under the per-chat limit.
        const until = finished + failure.retryAfterS * 1000;
        this.#outbox.holdChat(until);
        return { holdAllUntil: until };
      }
      case "blocked":
        await this.#blocked(recipient, failure, finished);
        return none;
      case "transient":
      case "unknown": {
        if (attempts >= MAX_SEND_ATTEMPTS) await this.#failed(recipient, work, failure, attempts, finished);
        else {
          const backoff = backoffDelayMs(attempts, this.#settings.random);
          const uncertain = failure.kind === "unknown";
          this.#outbox.retryLater(ids, attempts, finished + (uncertain ? Math.max(backoff, UNKNOWN_OUTCOME_RETRY_MS) : backoff), uncertain);
        }
        return none;
      }
      case "rejected":
        // New buttons on a card the user deleted (or that has them already): nothing lost, nobody to alert.
        if (work.followUp?.followUp.kind === "buttons") {
          this.#outbox.finish(ids, "merged", finished);
          await this.merged(recipient.userId, work.rows.map((r) => ({ id: r.notificationId, handedAt: r.addedAt })), finished);
          return none;
        }
        await this.#failed(recipient, work, failure, attempts, finished);
        return none;
      case "photo_refused": // only after the text fallback failed the same way, which Telegram does not do
        await this.#failed(recipient, work, failure, attempts, finished);
        return none;
    }
  }

  async #sent(recipient: Recipient, work: Work, outcome: Outcome, timing: { started: number; finished: number }): Promise<void> {
    const { started, finished } = timing;
    const ids = work.rows.map((r) => r.notificationId);
    this.#outbox.finish(ids, "sent", finished);
    const uncertain = work.rows.some((r) => r.uncertain);
    log.info("notifier_sent", {
      user: recipient.userId,
      method: outcome.message.method,
      notifications: ids.length,
      digest: work.digest,
      followUp: work.followUp !== null,
      mock: outcome.mock,
      uncertain,
      ms: finished - started,
    });
    if (work.followUp) {
      await this.#followedUp(work, work.followUp, finished);
      return;
    }
    for (const row of work.rows) {
      const { flatKey, price, currency, source, url } = row.delivery.listing;
      // What the chat now knows of the flat: a later ad of it answers this message, or nothing.
      const told = { messageId: outcome.messageId, card: !work.digest, searchId: row.delivery.searchId, price, currency, ads: [{ url, source, price }] };
      if (flatKey !== null) this.#told.tell(flatKey, told, finished);
    }
    for (const row of work.rows) {
      const listing = row.delivery.listing;
      recordMetric(this.#settings.metrics, {
        stage: "send",
        source: listing.source,
        city: listing.city,
        durationMs: finished - started,
        e2eMs: finished - listingTime(listing),
      });
    }
    await this.#d1("mark_sent", (d1) => markSentStatement(d1, work.rows.map((r) => ({ id: r.notificationId, handedAt: r.addedAt })), finished, {
        mock: outcome.mock,
        digest: work.digest,
        uncertain,
      }).run());
  }

  /** A reply about a told flat went: the chat knows the new price or site; its ad's row is merged. */
  async #followedUp(work: Work, followUp: NonNullable<Work["followUp"]>, at: number): Promise<void> {
    const row = work.rows[0];
    if (!row) return;
    const listing = row.delivery.listing;
    this.#told.tell(followUp.flatKey, toldAfter(followUp.told, listing, followUp.followUp), at);
    recordMetric(this.#settings.metrics, {
      stage: "follow_up",
      source: listing.source,
      city: listing.city,
      outcome: followUp.followUp.kind === "buttons" ? "buttons" : followUp.followUp.drop ? "price_drop" : "new_site",
    });
    // A price update has no notifications row; a later ad of the flat has one, pending until now.
    const ads = work.rows.filter((r) => r.notificationId > 0).map((r) => ({ id: r.notificationId, handedAt: r.addedAt }));
    if (ads.length) await this.#d1("mark_merged", (d1) => markMergedStatement(d1, ads, at).run());
  }

  /**
   * Ads of told flats that add nothing, already marked merged in the outbox: their D1 rows say
   * so, and no message went.
   */
  async merged(userId: number | null, rows: readonly SentNotification[], at: number): Promise<void> {
    if (rows.length === 0) return;
    log.info("notifier_merged", { user: userId, merged: rows.length });
    recordMetric(this.#settings.metrics, { stage: "follow_up", outcome: "merged", count: rows.length });
    const ads = rows.filter((r) => r.id > 0);
    if (ads.length) await this.#d1("mark_merged", (d1) => markMergedStatement(d1, ads, at).run());
  }

  /**
   * Drops queued notifications that must not go out any more (the user
   * paused, or removed the search they matched), in the outbox and in D1.
   *
   * @param userId for the log; null when the Notifier never had a recipient
   */
  async drop(userId: number | null, ids: readonly number[], reason: DropReason, at: number): Promise<void> {
    if (ids.length === 0) return;
    this.#outbox.finish(ids, "dropped", at);
    log.info("notifier_dropped", { user: userId, reason, dropped: ids.length });
    await this.#d1("mark_dropped", (d1) => markDroppedStatement(d1, ids, null, reason).run());
  }

  /** Telegram would not take the photo: this row goes as text from now on. */
  #photoRefused(recipient: Recipient, work: Work, refused: TelegramFailure): void {
    const row = work.rows[0];
    if (!row) return;
    log.info("notifier_photo_refused", { user: recipient.userId, notification: row.notificationId, description: refused.description });
    recordMetric(this.#settings.metrics, {
      stage: "send_error",
      source: row.delivery.listing.source,
      city: row.delivery.listing.city,
      outcome: "photo_refused",
    });
    this.#outbox.markPhotoRefused(row.notificationId);
  }

  /**
   * 403: the user blocked the bot, or (a group's Notifier) the bot is no longer in the group.
   * Everything queued is dropped; nothing more is sent.
   */
  async #blocked(recipient: Recipient, failure: TelegramFailure, at: number): Promise<void> {
    const ids = this.#outbox.queuedIds();
    this.#outbox.finish(ids, "dropped", at);
    log.warn("notifier_user_blocked", { user: recipient.userId, dropped: ids.length });
    await this.#d1("mark_blocked", (d1) =>
      // The version bump in either makes filter caches drop (or, for a group, move back to their owners) the searches at once.
      // A group's 403 is the bot's removal, not its owner's block: the owner keeps getting their other searches.
      d1.batch([
        ...(recipient.group ? chatGoneStatements(d1, recipient.chatId, at) : markBlockedStatements(d1, recipient.userId, at)),
        markDroppedStatement(d1, ids, 403, failure.description),
      ]),
    );
  }

  /** The last attempt failed, or retrying cannot help: record it and tell the operator once. */
  async #failed(recipient: Recipient, work: Work, failure: TelegramFailure, attempts: number, at: number): Promise<void> {
    const ids = work.rows.map((r) => r.notificationId);
    const uncertain = failure.kind === "unknown" || work.rows.some((r) => r.uncertain);
    this.#outbox.finish(ids, "failed", at);
    await this.#d1("mark_failed", (d1) => markFailedStatement(d1, ids, failure.code, failure.description, uncertain).run());
    await this.#alerts.alert(
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

  /** A D1 write after the fact: its failure is logged, not thrown (the message itself went or failed already). */
  async #d1(event: string, write: (d1: D1Database) => Promise<unknown>): Promise<void> {
    try {
      await write(this.#env.DB);
    } catch (error) {
      log.error(`notifier_${event}_failed`, { error: errorMessage(error) });
    }
  }
}
