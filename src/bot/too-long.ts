import type { MiddlewareFn } from "grammy";
import type { BotContext } from "./context.ts";

/** Longest text the bot reads; a pasted search link or an answer is far shorter. */
export const MAX_TEXT = 1000;

/** A message too long to be an answer gets told so, and nothing reads it further. */
export const tooLong: MiddlewareFn<BotContext> = async (ctx, next) => {
  const text = ctx.message?.text;
  if (text !== undefined && text.length > MAX_TEXT) {
    await ctx.reply(ctx.texts.tooLong(MAX_TEXT));
    return;
  }
  await next();
};
