import { Composer } from "grammy";
import type { BotContext } from "./bot.ts";
import { botTexts, userLanguage } from "./texts.ts";

/** Anything no feature handled (unknown commands, free text): a short help, never silence. */
export const fallback = new Composer<BotContext>();

fallback.on("message", async (ctx) => {
  await ctx.reply(botTexts(await userLanguage(ctx.env.DB, ctx.from)).help);
});
