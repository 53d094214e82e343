import type { PollerConfig, PollerStats } from "../model/feed.ts";
import { DoStore } from "../lib/do-schema.ts";
import { LADDER_START, type LadderState } from "./fetcher-ladder.ts";

/** How many listings a poller remembers: a national page holds ~50, and promoted ones recur for weeks. */
export const SEEN_LIMIT = 5_000;

/** A poller's state between polls. */
export interface PollerState {
  /** When the feed's first poll stored what it listed then (not sent); null: the next poll is a baseline. */
  baselineAt: number | null;
  consecutiveFailures: number;
  /** No poll before this time (the site blocked us). */
  blockedUntil: number | null;
  /** When the admin chat was told of the current block; cleared on success. */
  blockAlertedAt: number | null;
  /** false once the reconciler stopped the feed: no alarm is armed. */
  running: boolean;
  /** Which of the site's fetchers it is on, and since when. */
  ladder: LadderState;
}

const MIGRATIONS: readonly string[] = [
  // rowid order is insertion order (INSERT OR REPLACE re-inserts), so the oldest go first when pruning.
  `CREATE TABLE IF NOT EXISTS seen (external_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL)`,
];

const KEY = { schema: "schema_version", config: "config", state: "state", stats: "stats" } as const;

const INITIAL_STATE: PollerState = { baselineAt: null, consecutiveFailures: 0, blockedUntil: null, blockAlertedAt: null, running: false, ladder: LADDER_START };

/**
 * A FeedPoller's memory in its SQLite storage: what it polls (config), where
 * it stands (state), its figures, and the listings it has seen with a
 * fingerprint of what can change (title, price, rent), bounded by SEEN_LIMIT.
 * Remembering them here is what lets a poll that finds nothing write nothing
 * to D1. Every method is synchronous (the storage API is).
 */
export class PollerStore extends DoStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, { migrations: MIGRATIONS }, KEY.schema);
  }

  config(): PollerConfig | null {
    return this.kv.get<PollerConfig>(KEY.config) ?? null;
  }

  setConfig(config: PollerConfig): void {
    this.kv.put(KEY.config, config);
  }

  state(): PollerState {
    return { ...INITIAL_STATE, ...this.kv.get<Partial<PollerState>>(KEY.state) };
  }

  setState(state: PollerState): void {
    this.kv.put(KEY.state, state);
  }

  stats(): PollerStats | null {
    return this.kv.get<PollerStats>(KEY.stats) ?? null;
  }

  setStats(stats: PollerStats): void {
    this.kv.put(KEY.stats, stats);
  }

  /** The fingerprints remembered for these listings (absent: never seen). */
  fingerprints(externalIds: readonly string[]): Map<string, string> {
    const rows = this.sql
      .exec<{ external_id: string; fingerprint: string }>(
        `SELECT external_id, fingerprint FROM seen WHERE external_id IN (SELECT value FROM json_each(?))`,
        JSON.stringify(externalIds),
      )
      .toArray();
    return new Map(rows.map((r) => [r.external_id, r.fingerprint]));
  }

  /** Remembers listings as seen, as they are now; forgets the oldest past SEEN_LIMIT. */
  remember(items: readonly { externalId: string; fingerprint: string }[]): void {
    if (items.length === 0) return;
    this.sql.exec(
      `INSERT OR REPLACE INTO seen (external_id, fingerprint)
       SELECT j.value ->> 0, j.value ->> 1 FROM json_each(?) j`,
      JSON.stringify(items.map((i) => [i.externalId, i.fingerprint])),
    );
    this.sql.exec(`DELETE FROM seen WHERE rowid <= (SELECT max(rowid) FROM seen) - ?`, SEEN_LIMIT);
  }

  seenCount(): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM seen`).one().n;
  }
}
