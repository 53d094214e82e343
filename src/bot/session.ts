import type { MiddlewareFn } from "grammy";
import type { Language } from "../model/language.ts";
import type { BotContext } from "./bot.ts";
import { texts } from "../model/texts/index.ts";
import { languageOf } from "../model/language.ts";

/** The registered user an update comes from. */
export interface BotUser {
  id: number;
  language: Language;
  paused: boolean;
  isAdmin: boolean;
}

/** The politeness window; BOT_RATE_LIMIT updates fit in it, the next one gets one "slow down". */
const RATE_WINDOW_MS = 10_000;

function rateLimit(env: Env): number {
  const n = Number(env.BOT_RATE_LIMIT);
  return Number.isInteger(n) && n > 0 ? n : 8;
}

interface UserRow {
  id: number;
  language: Language;
  paused: number;
  is_admin: number;
}

/**
 * Runs first for every private-chat update: counts it against the user's
 * rate limit and loads who they are, in one D1 round trip. Over the limit,
 * the user hears once that they are too fast, then nothing until the window
 * ends; callback queries are still answered, so no button spins forever.
 */
export const session: MiddlewareFn<BotContext> = async (ctx, next) => {
  const from = ctx.from;
  if (!from) return;
  const d1 = ctx.env.DB;
  const now = Date.now();
  const [rate, user] = await d1.batch([
    d1
      .prepare(
        `INSERT INTO bot_rate (telegram_id, window_start, hits) VALUES (?1, ?2, 1)
         ON CONFLICT (telegram_id) DO UPDATE SET
           hits = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE hits + 1 END,
           window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END
         RETURNING hits`,
      )
      .bind(from.id, now, RATE_WINDOW_MS),
    d1.prepare(`SELECT id, language, paused, is_admin FROM users WHERE telegram_id = ?`).bind(from.id),
  ]);
  const row = user?.results[0] as UserRow | undefined;
  ctx.user = row ? { id: row.id, language: row.language, paused: row.paused === 1, isAdmin: row.is_admin === 1 } : null;
  ctx.language = ctx.user?.language ?? languageOf(from.language_code);
  ctx.texts = texts(ctx.language).bot;
  ctx.now = now;

  const hits = (rate?.results[0] as { hits: number } | undefined)?.hits ?? 0;
  const limit = rateLimit(ctx.env);
  if (hits <= limit) return next();
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.texts.tooFast });
  else if (hits === limit + 1) await ctx.reply(ctx.texts.tooFast);
};
