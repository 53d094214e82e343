import { Composer } from "grammy";
import { formatDuration } from "../telegram/texts.ts";
import type { BotContext } from "./bot.ts";

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

interface StatsRow {
  active: number;
  total: number;
  week: number;
  median_delay_ms: number | null;
}

/**
 * The user's own numbers, in one query: searches, listings sent this week,
 * and the median time from a listing's publication (else its first sighting)
 * to Telegram accepting the message.
 */
export function userStatsStatement(d1: D1Database, userId: number, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `WITH sent AS (
         SELECT n.sent_at - COALESCE(CAST((julianday(l.published_at) - 2440587.5) * 86400000 AS INTEGER), l.first_seen_at) AS delay
         FROM notifications n JOIN listings l ON l.id = n.listing_id
         WHERE n.user_id = ?1 AND n.status = 'sent' AND n.sent_at >= ?2
       )
       SELECT
         (SELECT count(*) FROM saved_searches WHERE user_id = ?1 AND active = 1) AS active,
         (SELECT count(*) FROM saved_searches WHERE user_id = ?1) AS total,
         (SELECT count(*) FROM sent) AS week,
         (SELECT delay FROM sent ORDER BY delay LIMIT 1 OFFSET (SELECT (count(*) - 1) / 2 FROM sent)) AS median_delay_ms`,
    )
    .bind(userId, now - WEEK_MS);
}

/** /stats: the user's searches, what they got this week and how fast. */
export const stats = new Composer<BotContext>();

stats.command("stats", async (ctx) => {
  if (!ctx.user) return ctx.reply(ctx.texts.startFirst);
  const row = await userStatsStatement(ctx.env.DB, ctx.user.id, ctx.now).first<StatsRow>();
  const median = row?.median_delay_ms;
  await ctx.reply(
    ctx.texts.stats({
      active: row?.active ?? 0,
      total: row?.total ?? 0,
      week: row?.week ?? 0,
      medianDelay: median == null ? null : formatDuration(median, ctx.language),
    }),
  );
});
