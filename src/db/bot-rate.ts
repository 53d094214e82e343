import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { botRate } from "./schema.ts";

/**
 * The bot_rate table: updates per Telegram user in the current window, for
 * the bot's politeness limit (src/bot/session.ts).
 */

/**
 * Counts one update against the sender's window of `windowMs` and returns the
 * count so far (a query, for the session's one round trip with the user lookup).
 */
export function countUpdate(db: Db, telegramId: number, now: number, windowMs: number) {
  const expired = sql`${botRate.windowStart} <= ${now} - ${windowMs}`;
  return db
    .insert(botRate)
    .values({ telegramId, windowStart: now, hits: 1 })
    .onConflictDoUpdate({
      target: botRate.telegramId,
      set: {
        hits: sql`CASE WHEN ${expired} THEN 1 ELSE ${botRate.hits} + 1 END`,
        windowStart: sql`CASE WHEN ${expired} THEN ${now} ELSE ${botRate.windowStart} END`,
      },
    })
    .returning({ hits: botRate.hits });
}
