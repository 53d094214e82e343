import { Composer } from "grammy";
import { type Health, loadHealth } from "../admin/health.ts";
import { isoEpochMs } from "../db/iso-time.ts";
import { formatDuration } from "../model/texts/index.ts";
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
         SELECT n.sent_at - COALESCE(${isoEpochMs("l.published_at")}, l.first_seen_at) AS delay
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

const secs = (ms: number | null) => (ms === null ? "–" : `${(ms / 1000).toFixed(1)} s`);

/** The admin page's headline, for admins in the chat (plain text). */
export function adminHeadline(h: Health): string {
  const e2e = h.stages.hour.e2e;
  const failing = h.feeds.filter((f) => f.active && f.consecutiveFailures > 0).length;
  return [
    `Admin, last hour: ${e2e.n} sent, e2e p50 ${secs(e2e.p50)}, p95 ${secs(e2e.p95)}, p99 ${secs(e2e.p99)}.`,
    `Backlog: ${h.backlog.unfiltered} unfiltered, ${h.backlog.outbox} in outboxes, ${h.backlog.deadLetters} dead letters, ${h.backlog.failedToday} failed today.`,
    `Feeds: ${h.feeds.filter((f) => f.active).length} active, ${failing} failing. More: /admin.`,
  ].join("\n");
}

/** /stats: the user's searches, what they got this week and how fast; admins also get the headline numbers. */
export const stats = new Composer<BotContext>();

stats.command("stats", async (ctx) => {
  if (!ctx.user) return ctx.reply(ctx.texts.startFirst);
  const row = await userStatsStatement(ctx.env.DB, ctx.user.id, ctx.now).first<StatsRow>();
  const median = row?.median_delay_ms;
  const own = ctx.texts.stats({
    active: row?.active ?? 0,
    total: row?.total ?? 0,
    week: row?.week ?? 0,
    medianDelay: median == null ? null : formatDuration(median, ctx.language),
  });
  const admin = ctx.user.isAdmin ? `\n\n${adminHeadline(await loadHealth(ctx.env.DB, ctx.now))}` : "";
  await ctx.reply(own + admin);
});
