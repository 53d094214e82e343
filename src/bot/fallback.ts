import { Composer } from "grammy";
import type { BotContext } from "./bot.ts";
import { botTexts, languageOf } from "./texts.ts";

/** Anything no feature handled (unknown commands, free text): a short help, never silence. */
export const fallback = new Composer<BotContext>();

fallback.on("message", async (ctx) => {
  const row = ctx.from
    ? await ctx.env.DB.prepare(`SELECT language FROM users WHERE telegram_id = ?`).bind(ctx.from.id).first<{ language: "pl" | "en" }>()
    : null;
  await ctx.reply(botTexts(row?.language ?? languageOf(ctx.from?.language_code)).help);
});
