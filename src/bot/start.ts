import { Composer } from "grammy";
import { register } from "../account/changes.ts";
import type { BotContext } from "./context.ts";

export const start = new Composer<BotContext>();

/**
 * /start: registers the user and their chat (or welcomes them back, clearing
 * a block), in their Telegram language, and shows the two ways to add a search.
 */
start.command("start", async (ctx) => {
  const from = ctx.from;
  if (!from) return;
  // A returning user keeps the language they chose with /lang.
  await register(ctx.env, { telegramId: from.id, chatId: ctx.chat.id, language: ctx.language, now: ctx.now });
  await ctx.reply(ctx.texts.welcome, { parse_mode: "HTML" });
});
