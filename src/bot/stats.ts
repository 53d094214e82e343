import { Composer } from "grammy";
import { type Health, loadHealth, userStats } from "../db/health.ts";
import { formatDuration } from "../model/texts/index.ts";
import type { BotContext } from "./context.ts";

const secs = (ms: number | null) => (ms === null ? "–" : `${(ms / 1000).toFixed(1)} s`);

/** The admin page's headline, for admins in the chat (plain text). */
export function adminHeadline(h: Health): string {
  const e2e = h.stages.hour.e2e;
  const failing = h.feeds.filter((f) => f.active && (f.stats?.consecutiveFailures ?? 0) > 0).length;
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
  const row = await userStats(ctx.env.DB, ctx.user.id, ctx.now);
  const median = row?.medianDelayMs;
  const own = ctx.texts.stats({
    active: row?.active ?? 0,
    total: row?.total ?? 0,
    week: row?.week ?? 0,
    medianDelay: median == null ? null : formatDuration(median, ctx.language),
  });
  const admin = ctx.user.isAdmin ? `\n\n${adminHeadline(await loadHealth(ctx.env.DB, ctx.now))}` : "";
  await ctx.reply(own + admin);
});
