import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { rateLimits } from "./schema.ts";

/**
 * The rate_limits table: fixed-window counters shared by every isolate, one
 * row per thing limited (`bot:<telegram id>`, `admin-login:<address>`).
 * Old windows are pruned by src/db/prune.ts.
 */

/**
 * Counts one hit against `key`'s window of `windowMs` (a new window once the
 * last one is over) and returns the hits so far with the window's start: one
 * statement, so a caller can batch it with its other reads.
 */
export function countHit(db: Db, key: string, now: number, windowMs: number) {
  const expired = sql`${rateLimits.windowStart} <= ${now} - ${windowMs}`;
  return db
    .insert(rateLimits)
    .values({ key, windowStart: now, hits: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        hits: sql`CASE WHEN ${expired} THEN 1 ELSE ${rateLimits.hits} + 1 END`,
        windowStart: sql`CASE WHEN ${expired} THEN ${now} ELSE ${rateLimits.windowStart} END`,
      },
    })
    .returning({ hits: rateLimits.hits, windowStart: rateLimits.windowStart });
}
