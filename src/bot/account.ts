import { Composer } from "grammy";
import { bumpSearchVersionStatement } from "../db/searches.ts";
import { type Language, isLanguage, otherLanguage } from "../model/language.ts";
import type { BotContext } from "./bot.ts";
import { texts } from "../model/texts/index.ts";

/** /help, /lang, /pause, /resume: the user's own settings. */
export const account = new Composer<BotContext>();

account.command("help", async (ctx) => {
  await ctx.reply(ctx.texts.help);
});

/** /lang en|pl sets it; /lang alone switches to the other one. */
account.command("lang", async (ctx) => {
  if (!ctx.from) return;
  const asked = ctx.match.trim().toLowerCase();
  const current = ctx.language;
  const next: Language | null = asked === "" ? otherLanguage(current) : isLanguage(asked) ? asked : null;
  if (next === null) {
    await ctx.reply(texts(current).bot.langUsage);
    return;
  }
  const changed = await ctx.env.DB.prepare(`UPDATE users SET language = ? WHERE telegram_id = ?`).bind(next, ctx.from.id).run();
  await ctx.reply(changed.meta.changes ? texts(next).bot.langSet : texts(next).bot.startFirst);
});

for (const [command, paused] of [
  ["pause", true],
  ["resume", false],
] as const) {
  account.command(command, async (ctx) => {
    if (!ctx.from) return;
    const d1 = ctx.env.DB;
    const [changed] = await d1.batch([
      d1.prepare(`UPDATE users SET paused = ? WHERE telegram_id = ?`).bind(paused ? 1 : 0, ctx.from.id),
      // Filter caches drop (or take back) the user's searches on their next batch.
      bumpSearchVersionStatement(d1),
    ]);
    const texts = ctx.texts;
    await ctx.reply(!changed?.meta.changes ? texts.startFirst : paused ? texts.paused : texts.resumed);
  });
}
