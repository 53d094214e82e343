import { DoStore } from "../lib/do-schema.ts";
import type { ToldAd, ToldFlat } from "../model/follow-up.ts";

/**
 * A flat is remembered this long after the chat was last told of it: the same window the poller
 * looks back for ads of one flat (src/db/listings.ts), so an ad back after three months is news.
 */
export const TOLD_FLAT_MEMORY_MS = 90 * 24 * 3_600_000;
/** At most this many flats per chat (the newest told); a busy search sends far fewer in 90 days. */
export const TOLD_FLATS_MAX = 5_000;
/** Forgetting reads the whole table, so it runs once a day, not on every hand-over. */
const PRUNE_EVERY_MS = 24 * 3_600_000;

const SCHEMA = {
  migrations: [
    // WITHOUT ROWID: the key is the table, so a row is one write, with no index beside it.
    `CREATE TABLE IF NOT EXISTS told_flats (
       flat_key TEXT PRIMARY KEY,
       message_id INTEGER,
       card INTEGER NOT NULL,
       search_id INTEGER,
       price REAL,
       currency TEXT,
       ads TEXT NOT NULL,
       told_at INTEGER NOT NULL
     ) WITHOUT ROWID;`,
  ],
} as const;

const KEY = { schema: "told_flats_schema", prunedAt: "told_flats_pruned_at" } as const;

type Row = { message_id: number | null; card: number; search_id: number | null; price: number | null; currency: string | null; ads: string };

/**
 * Which flats a Notifier's chat was told of, beyond the outbox's day: the message each came in,
 * the price last told, the ads it can open. One row per flat, written when its card goes and
 * when a follow-up does; a merged ad that adds nothing writes nothing.
 */
export class ToldFlats extends DoStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA, KEY.schema);
  }

  get(flatKey: string): ToldFlat | null {
    const r = this.sql.exec<Row>(`SELECT message_id, card, search_id, price, currency, ads FROM told_flats WHERE flat_key = ?`, flatKey).toArray()[0];
    if (!r) return null;
    return { messageId: r.message_id, card: r.card === 1, searchId: r.search_id, price: r.price, currency: r.currency, ads: JSON.parse(r.ads) as ToldAd[] };
  }

  /** Remembers what the chat now knows of the flat. */
  tell(flatKey: string, told: ToldFlat, at: number): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO told_flats (flat_key, message_id, card, search_id, price, currency, ads, told_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      flatKey,
      told.messageId,
      told.card ? 1 : 0,
      told.searchId,
      told.price,
      told.currency,
      JSON.stringify(told.ads),
      at,
    );
  }

  /** Forgets flats not told of for TOLD_FLAT_MEMORY_MS, and beyond TOLD_FLATS_MAX; at most once a day. */
  prune(now: number): void {
    const last = this.kv.get<number>(KEY.prunedAt) ?? 0;
    if (now - last < PRUNE_EVERY_MS) return;
    this.sql.exec(`DELETE FROM told_flats WHERE told_at < ?`, now - TOLD_FLAT_MEMORY_MS);
    this.sql.exec(
      `DELETE FROM told_flats WHERE flat_key IN (SELECT flat_key FROM told_flats ORDER BY told_at DESC LIMIT -1 OFFSET ?)`,
      TOLD_FLATS_MAX,
    );
    this.kv.put(KEY.prunedAt, now);
  }
}
