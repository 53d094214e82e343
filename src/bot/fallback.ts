import { Composer } from "grammy";
import type { BotContext } from "./context.ts";

/** Anything no feature handled (unknown commands, free text): a short help, never silence. */
export const fallback = new Composer<BotContext>();

fallback.on("message", async (ctx) => {
  await ctx.reply(ctx.texts.help);
});
