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


const PRUNED_AT = "told_flats_pruned_at";

type Row = { message_id: number | null; card: number; search_id: number | null; price: number | null; currency: string | null; ads: string };

/**
 * Which flats a Notifier's chat was told of, beyond the outbox's day: the message each came in,
 * the price last told, the ads it can open. One row per flat, written when its card goes and
 * when a follow-up does; a merged ad that adds nothing writes nothing. The table is in the
 * outbox's schema (outbox.ts), so a new Notifier creates both at once: build the Outbox first.
 */
export class ToldFlats {
  readonly #sql: SqlStorage;
  readonly #kv: SyncKvStorage;

  constructor(storage: DurableObjectStorage) {
    this.#sql = storage.sql;
    this.#kv = storage.kv;
  }

  get(flatKey: string): ToldFlat | null {
    const r = this.#sql.exec<Row>(`SELECT message_id, card, search_id, price, currency, ads FROM told_flats WHERE flat_key = ?`, flatKey).toArray()[0];
    if (!r) return null;
    return { messageId: r.message_id, card: r.card === 1, searchId: r.search_id, price: r.price, currency: r.currency, ads: JSON.parse(r.ads) as ToldAd[] };
  }

  /** Remembers what the chat now knows of the flat. */
  tell(flatKey: string, told: ToldFlat, at: number): void {
    // The day's pruning counts from the first flat told: a Notifier that never sent one writes nothing for it.
    if (this.#kv.get<number>(PRUNED_AT) === undefined) this.#kv.put(PRUNED_AT, at);
    this.#sql.exec(
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
    const last = this.#kv.get<number>(PRUNED_AT);
    if (last === undefined || now - last < PRUNE_EVERY_MS) return;
    this.#sql.exec(`DELETE FROM told_flats WHERE told_at < ?`, now - TOLD_FLAT_MEMORY_MS);
    this.#sql.exec(
      `DELETE FROM told_flats WHERE flat_key IN (SELECT flat_key FROM told_flats ORDER BY told_at DESC LIMIT -1 OFFSET ?)`,
      TOLD_FLATS_MAX,
    );
    this.#kv.put(PRUNED_AT, now);
  }
}
