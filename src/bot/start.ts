import { Composer } from "grammy";
import { bumpSearchVersionStatement } from "../db/searches.ts";
import type { BotContext } from "./bot.ts";

export const start = new Composer<BotContext>();

/**
 * /start: registers the user and their chat (or welcomes them back, clearing
 * a block), in their Telegram language, and shows the two ways to add a search.
 */
start.command("start", async (ctx) => {
  const from = ctx.from;
  if (!from) return;
  // A returning user keeps the language they chose with /lang.
  const language = ctx.language;
  const d1 = ctx.env.DB;
  await d1.batch([
    d1
      .prepare(
        `INSERT INTO users (telegram_id, chat_id, language, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (telegram_id) DO UPDATE SET chat_id = excluded.chat_id, blocked_at = NULL`,
      )
      .bind(from.id, ctx.chat.id, language, ctx.now),
    bumpSearchVersionStatement(d1),
  ]);
  await ctx.reply(ctx.texts.welcome, { parse_mode: "HTML" });
});
