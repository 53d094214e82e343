import { Composer, type MiddlewareFn } from "grammy";
import type { BotContext } from "./context.ts";

/**
 * Every callback query gets an answer, or the user's button spins: a failing
 * handler answers "something went wrong" before the error goes on to the log.
 */
export const answerOnError: MiddlewareFn<BotContext> = async (ctx, next) => {
  if (!ctx.callbackQuery) return next();
  try {
    await next();
  } catch (error) {
    await ctx.answerCallbackQuery({ text: ctx.texts.failed }).catch(() => undefined);
    throw error;
  }
};

/** A button no handler knows (an old message, an older bot version): answered, not ignored. */
export const unknownCallback = new Composer<BotContext>();

unknownCallback.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: ctx.texts.staleButton }));
