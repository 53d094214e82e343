import type { MiddlewareFn } from "grammy";
import { countHit } from "../db/rate-limits.ts";
import { useDb } from "../db/client.ts";
import { userByTelegramId } from "../db/users.ts";
import { config } from "../lib/config.ts";
import type { BotContext } from "./context.ts";
import { texts } from "../model/texts/index.ts";
import { languageOf } from "../model/language.ts";

/** The politeness window; BOT_RATE_LIMIT updates fit in it, the next one gets one "slow down". */
const RATE_WINDOW_MS = 10_000;

/**
 * Runs first for every private-chat update: counts it against the user's
 * rate limit and loads who they are, in one D1 round trip. Over the limit,
 * the user hears once that they are too fast, then nothing until the window
 * ends; callback queries are still answered, so no button spins forever.
 */
export const session: MiddlewareFn<BotContext> = async (ctx, next) => {
  const from = ctx.from;
  if (!from) return;
  const db = useDb(ctx.env.DB);
  const now = Date.now();
  const [rate, [row]] = await db.batch([countHit(db, `bot:${from.id}`, now, RATE_WINDOW_MS), userByTelegramId(db, from.id)]);
  ctx.user = row ? { id: row.id, language: row.language, paused: row.paused, isAdmin: row.isAdmin } : null;
  ctx.language = ctx.user?.language ?? languageOf(from.language_code);
  ctx.texts = texts(ctx.language).bot;
  ctx.now = now;

  const hits = rate[0]?.hits ?? 0;
  const limit = config(ctx.env).botRateLimit;
  if (hits <= limit) return next();
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.texts.tooFast });
  else if (hits === limit + 1) await ctx.reply(ctx.texts.tooFast);
};
