import type { Delivery } from "../model/delivery.ts";
import { BULK_FANOUT } from "../model/dispatch.ts";
import { DoStore } from "../lib/do-schema.ts";
import type { Recipient } from "../model/recipient.ts";

/**
 * Where an outbox row stands. Only `queued` rows are work; the others are remembered to stop
 * repeats. `merged`: an ad of a flat the chat was told of that adds nothing: no message went.
 */
export type OutboxState = "queued" | "sent" | "failed" | "dropped" | "merged";

/** One notification in a Notifier's outbox. */
export interface OutboxRow {
  notificationId: number;
  delivery: Delivery;
  state: OutboxState;
  /** Earliest time (ms) the row may be tried: when it arrived, or after a backoff. */
  dueAt: number;
  /** Failed attempts so far (5xx, network). */
  attempts: number;
  /** Part of the digest being sent. */
  inDigest: boolean;
  /** Telegram refused its photo once: send it as text. */
  photoRefused: boolean;
  /** An earlier attempt's outcome is unknown: Telegram may have delivered it already. */
  uncertain: boolean;
  /** When it entered the outbox (the hand-over). */
  addedAt: number;
}

/** A message recorded instead of sent (mock mode). */
export interface SentLogEntry {
  method: string;
  chatId: number;
  /** Caption or text, HTML. */
  text: string;
  photo: string | null;
  notificationIds: number[];
  at: number;
}

/**
 * The flats the chat was told of (told-flats.ts), the latest migration and part of CURRENT as it
 * is. WITHOUT ROWID: the key is the table, so a row is one write, with no index beside it.
 */
const TOLD_FLATS = `CREATE TABLE IF NOT EXISTS told_flats (
    flat_key TEXT PRIMARY KEY,
    message_id INTEGER,
    card INTEGER NOT NULL,
    search_id INTEGER,
    price REAL,
    currency TEXT,
    ads TEXT NOT NULL,
    told_at INTEGER NOT NULL
  ) WITHOUT ROWID;`;

/**
 * Versioned schema, applied in order (agents' idempotent migrations): the
 * stored version says which statements already ran.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS outbox (
     notification_id INTEGER PRIMARY KEY,
     delivery TEXT NOT NULL,
     state TEXT NOT NULL DEFAULT 'queued',
     due_at INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     in_digest INTEGER NOT NULL DEFAULT 0,
     photo_refused INTEGER NOT NULL DEFAULT 0,
     added_at INTEGER NOT NULL,
     done_at INTEGER
   );
   CREATE INDEX IF NOT EXISTS outbox_state_due_idx ON outbox (state, due_at);
   CREATE INDEX IF NOT EXISTS outbox_done_idx ON outbox (done_at) WHERE done_at IS NOT NULL;
   CREATE TABLE IF NOT EXISTS sent_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     method TEXT NOT NULL,
     chat_id INTEGER NOT NULL,
     text TEXT NOT NULL,
     photo TEXT,
     notification_ids TEXT NOT NULL,
     at INTEGER NOT NULL
   );
   CREATE INDEX IF NOT EXISTS sent_log_at_idx ON sent_log (at);`,
  // Every index entry is a row written on insert, update and delete; an outbox
  // holds a day of one user's messages, so a scan is cheaper than an index.
  `DROP INDEX IF EXISTS outbox_state_due_idx;
   DROP INDEX IF EXISTS outbox_done_idx;
   DROP INDEX IF EXISTS sent_log_at_idx;
   ALTER TABLE outbox ADD COLUMN uncertain INTEGER NOT NULL DEFAULT 0;`,
  TOLD_FLATS,
];

/** What MIGRATIONS come to, for a new Notifier (test/durable/outbox-schema.test.ts holds the two equal). */
export const CURRENT = `
  CREATE TABLE IF NOT EXISTS outbox (
    notification_id INTEGER PRIMARY KEY,
    delivery TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    due_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    in_digest INTEGER NOT NULL DEFAULT 0,
    photo_refused INTEGER NOT NULL DEFAULT 0,
    added_at INTEGER NOT NULL,
    done_at INTEGER,
    uncertain INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE IF NOT EXISTS sent_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    method TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    photo TEXT,
    notification_ids TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  ${TOLD_FLATS}`;

/**
 * The outbox's side state in the object's KV storage. The stored names are
 * older than the names in code; they stay, so existing objects read on.
 */
const KEY = {
  schema: "schema_version",
  recipient: "recipient",
  chatHold: "chat_next_allowed",
  digestTotal: "digest_total",
  digestDone: "digest_done",
  quietHold: "quiet_held",
  paused: "paused",
  lastUpdateId: "last_update_id",
} as const;

/**
 * A digest going out in parts: how many listings the whole digest holds, and
 * how many of them the parts sent so far listed (a part's header shows its
 * range, "(21–40)", of the whole).
 */
export interface DigestProgress {
  total: number;
  done: number;
}

type RawRow = {
  notification_id: number;
  delivery: string;
  state: string;
  due_at: number;
  attempts: number;
  in_digest: number;
  photo_refused: number;
  uncertain: number;
  added_at: number;
};

function toRow(r: RawRow): OutboxRow {
  return {
    notificationId: r.notification_id,
    delivery: JSON.parse(r.delivery) as Delivery,
    state: r.state as OutboxState,
    dueAt: r.due_at,
    attempts: r.attempts,
    inDigest: r.in_digest === 1,
    photoRefused: r.photo_refused === 1,
    uncertain: r.uncertain === 1,
    addedAt: r.added_at,
  };
}

const ROW_COLUMNS = "notification_id, delivery, state, due_at, attempts, in_digest, photo_refused, uncertain, added_at";

/** Steady rows first (fan-out at most the bound parameter), then the oldest: the order rows go out in. */
const NEXT_FIRST = "coalesce(delivery ->> '$.fanout', 1) > ? ASC, due_at, notification_id";

/**
 * A Notifier's durable state in its SQLite storage: the outbox keyed by
 * notification id, the mock-mode record, and the side state: the recipient,
 * the pause, the chat's hold after a 429, the quiet hold and the DigestProgress.
 * Writes are what the bill counts (one row each, no indexes), so nothing is
 * written that is already known. Every method is synchronous (the storage
 * API is), so a caller's sequence of calls cannot interleave with another event.
 */
export class Outbox extends DoStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, { migrations: MIGRATIONS, current: CURRENT }, KEY.schema);
  }

  /**
   * Adds deliveries as queued rows; an id already here (queued, sent, failed or
   * dropped) is ignored, so a repeated hand-over sends nothing twice.
   *
   * @returns the ids that were new
   */
  add(deliveries: readonly Delivery[], now: number): number[] {
    const added: number[] = [];
    for (const d of deliveries) {
      // RETURNING says whether the row is new.
      const isNew = this.sql.exec(
        `INSERT OR IGNORE INTO outbox (notification_id, delivery, state, due_at, added_at)
         VALUES (?, ?, 'queued', ?, ?) RETURNING notification_id`,
        d.notificationId,
        JSON.stringify(d),
        now,
        now,
      ).toArray().length;
      if (isNew) added.push(d.notificationId);
    }
    return added;
  }

  recipient(): Recipient | null {
    return this.kv.get<Recipient>(KEY.recipient) ?? null;
  }

  /** Stores the recipient when it changed (the filter hands it over with every batch). */
  setRecipient(recipient: Recipient): void {
    if (JSON.stringify(this.recipient()) !== JSON.stringify(recipient)) this.kv.put(KEY.recipient, recipient);
  }

  /** The user paused all notifications: nothing is to be queued until they resume. */
  isPaused(): boolean {
    return this.kv.get<boolean>(KEY.paused) ?? false;
  }

  setPaused(paused: boolean): void {
    if (this.isPaused() !== paused) this.kv.put(KEY.paused, paused);
  }

  /**
   * The quiet hold: what is queued arrived during the user's quiet hours, so
   * the first send after them is one digest, whatever the threshold.
   */
  heldForQuietHours(): boolean {
    return this.kv.get<boolean>(KEY.quietHold) ?? false;
  }

  holdForQuietHours(): void {
    if (!this.heldForQuietHours()) this.kv.put(KEY.quietHold, true);
  }

  releaseQuietHold(): void {
    if (this.heldForQuietHours()) this.kv.put(KEY.quietHold, false);
  }

  /**
   * The first time the chat may get another message (ms): CHAT_GAP_MS after
   * the last message Telegram took or refused (read off the rows, so a send
   * writes nothing for it), or later after a 429.
   */
  chatNextAllowed(gapMs: number): number {
    const last = this.sql
      .exec<{ at: number | null }>(`SELECT max(done_at) AS at FROM outbox WHERE state IN ('sent', 'failed')`)
      .one().at;
    return Math.max(this.kv.get<number>(KEY.chatHold) ?? 0, last === null ? 0 : last + gapMs);
  }

  /** Telegram said 429 for this chat: nothing before `until`. */
  holdChat(until: number): void {
    if (until > (this.kv.get<number>(KEY.chatHold) ?? 0)) this.kv.put(KEY.chatHold, until);
  }

  queuedCount(): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM outbox WHERE state = 'queued'`).one().n;
  }

  /**
   * The row that goes next (see nextDue): its due time and its listing's
   * fan-out (users it went to); null: no work.
   */
  head(): { dueAt: number; fanout: number } | null {
    const rows = this.sql
      .exec<{ due_at: number; fanout: number | null }>(
        `SELECT due_at, delivery ->> '$.fanout' AS fanout FROM outbox WHERE state = 'queued'
         ORDER BY ${NEXT_FIRST} LIMIT 1`,
        BULK_FANOUT,
      )
      .toArray();
    const first = rows[0];
    return first ? { dueAt: first.due_at, fanout: first.fanout ?? 1 } : null;
  }

  /**
   * The row to send now: an ordinary listing's before a large fan-out's, so
   * a user who was in a burst does not hold their other matches behind it
   * (the burst's waits in the scheduler's bulk lane); then the oldest.
   */
  nextDue(now: number): OutboxRow | null {
    const rows = this.sql
      .exec<RawRow>(
        `SELECT ${ROW_COLUMNS} FROM outbox WHERE state = 'queued' AND due_at <= ?
         ORDER BY ${NEXT_FIRST} LIMIT 1`,
        now,
        BULK_FANOUT,
      )
      .toArray();
    const first = rows[0];
    return first ? toRow(first) : null;
  }

  /** Queued rows of the current digest that are due, oldest first. */
  digestRows(now: number): OutboxRow[] {
    return this.sql
      .exec<RawRow>(
        `SELECT ${ROW_COLUMNS} FROM outbox WHERE state = 'queued' AND in_digest = 1 AND due_at <= ?
         ORDER BY notification_id`,
        now,
      )
      .toArray()
      .map(toRow);
  }

  /**
   * An id for a row that has no notifications row (a price update): negative, so never a
   * notification's, and new for every call.
   */
  nextUpdateId(): number {
    const id = (this.kv.get<number>(KEY.lastUpdateId) ?? 0) - 1;
    this.kv.put(KEY.lastUpdateId, id);
    return id;
  }

  /** Every queued row's id, flat and whether it is a price update, oldest first: what a digest may hold. */
  queuedFlats(): { id: number; flatKey: string | null; priceUpdate: boolean }[] {
    return this.sql
      .exec<{ id: number; flat_key: string | null; price_update: number | null }>(
        `SELECT notification_id AS id, delivery ->> '$.listing.flatKey' AS flat_key, delivery ->> '$.priceUpdate' AS price_update
         FROM outbox WHERE state = 'queued' ORDER BY notification_id`,
      )
      .toArray()
      .map((r) => ({ id: r.id, flatKey: r.flat_key, priceUpdate: !!r.price_update }));
  }

  /** Starts a digest of these queued rows. @returns how many rows it holds */
  startDigest(ids: readonly number[]): number {
    const n = this.sql
      .exec(`UPDATE outbox SET in_digest = 1 WHERE state = 'queued' AND notification_id IN (SELECT value FROM json_each(?)) RETURNING 1`, JSON.stringify(ids))
      .toArray().length;
    this.kv.put(KEY.digestTotal, n);
    this.kv.put(KEY.digestDone, 0);
    return n;
  }

  /** Where the current digest stands. */
  digestProgress(): DigestProgress {
    return { total: this.kv.get<number>(KEY.digestTotal) ?? 0, done: this.kv.get<number>(KEY.digestDone) ?? 0 };
  }

  /** Ids of the queued rows that matched one of these saved searches. */
  queuedIdsOfSearches(searchIds: readonly number[]): number[] {
    return this.sql
      .exec<{ id: number }>(
        `SELECT notification_id AS id FROM outbox
         WHERE state = 'queued' AND delivery ->> '$.searchId' IN (SELECT value FROM json_each(?))
         ORDER BY notification_id`,
        JSON.stringify(searchIds),
      )
      .toArray()
      .map((r) => r.id);
  }

  /** Ids of every queued row. */
  queuedIds(): number[] {
    return this.sql
      .exec<{ id: number }>(`SELECT notification_id AS id FROM outbox WHERE state = 'queued' ORDER BY notification_id`)
      .toArray()
      .map((r) => r.id);
  }

  /**
   * Marks queued rows done (sent, failed or dropped); they stay to stop a
   * repeated hand-over until pruned. Rows of the current digest count in its
   * progress: sent ones as listed, the others as no longer part of it, so
   * the ranges of the parts still to come end at the digest's new total.
   * Once nothing is queued, the quiet hold ends too: it was about rows that are gone.
   */
  finish(ids: readonly number[], state: Exclude<OutboxState, "queued">, now: number): void {
    const list = JSON.stringify(ids);
    const inDigest = this.sql
      .exec<{ n: number }>(
        `SELECT count(*) AS n FROM outbox
         WHERE state = 'queued' AND in_digest = 1 AND notification_id IN (SELECT value FROM json_each(?))`,
        list,
      )
      .one().n;
    this.sql.exec(
      `UPDATE outbox SET state = ?, done_at = ?, in_digest = 0
       WHERE state = 'queued' AND notification_id IN (SELECT value FROM json_each(?))`,
      state,
      now,
      list,
    );
    if (inDigest > 0) {
      const progress = this.digestProgress();
      if (state === "sent") this.kv.put(KEY.digestDone, progress.done + inDigest);
      else this.kv.put(KEY.digestTotal, progress.total - inDigest);
    }
    if (this.queuedCount() === 0) this.releaseQuietHold();
  }

  /** Records a failed attempt: the rows wait until `dueAt`; `uncertain`: Telegram may have taken it. */
  retryLater(ids: readonly number[], attempts: number, dueAt: number, uncertain: boolean): void {
    this.sql.exec(
      `UPDATE outbox SET attempts = ?, due_at = ?, uncertain = max(uncertain, ?)
       WHERE state = 'queued' AND notification_id IN (SELECT value FROM json_each(?))`,
      attempts,
      dueAt,
      uncertain ? 1 : 0,
      JSON.stringify(ids),
    );
  }

  markPhotoRefused(id: number): void {
    this.sql.exec(`UPDATE outbox SET photo_refused = 1 WHERE notification_id = ?`, id);
  }

  /** Forgets rows done before `before`, and mock records older than that. */
  prune(before: number): void {
    this.sql.exec(`DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < ?`, before);
    this.sql.exec(`DELETE FROM sent_log WHERE at < ?`, before);
  }

  /** Rows by state, for inspection. */
  counts(): Record<OutboxState, number> {
    const counts: Record<OutboxState, number> = { queued: 0, sent: 0, failed: 0, dropped: 0, merged: 0 };
    for (const r of this.sql.exec<{ state: string; n: number }>(`SELECT state, count(*) AS n FROM outbox GROUP BY state`)) {
      if (r.state in counts) counts[r.state as OutboxState] = r.n;
    }
    return counts;
  }

  /** Records a message instead of sending it (mock mode). @returns its record's id, the mock's message id */
  record(entry: SentLogEntry): number {
    return this.sql.exec<{ id: number }>(
      `INSERT INTO sent_log (method, chat_id, text, photo, notification_ids, at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
      entry.method,
      entry.chatId,
      entry.text,
      entry.photo,
      JSON.stringify(entry.notificationIds),
      entry.at,
    ).one().id;
  }

  /** The mock record, oldest first. */
  recorded(limit = 1000): SentLogEntry[] {
    return this.sql
      .exec<{ method: string; chat_id: number; text: string; photo: string | null; notification_ids: string; at: number }>(
        `SELECT method, chat_id, text, photo, notification_ids, at FROM sent_log ORDER BY id LIMIT ?`,
        limit,
      )
      .toArray()
      .map((r) => ({
        method: r.method,
        chatId: r.chat_id,
        text: r.text,
        photo: r.photo,
        notificationIds: JSON.parse(r.notification_ids) as number[],
        at: r.at,
      }));
  }
}
