import { Composer } from "grammy";
import { changeLanguage, pauseNotifications, resumeNotifications } from "../account/changes.ts";
import { type Language, isLanguage, otherLanguage } from "../model/language.ts";
import type { BotContext } from "./context.ts";
import { texts } from "../model/texts/index.ts";

/** /help, /lang, /pause, /resume: the user's own settings. */
export const account = new Composer<BotContext>();

account.command("help", async (ctx) => {
  await ctx.reply(ctx.texts.help);
});

/** /lang en|pl sets it; /lang alone switches to the other one. */
account.command("lang", async (ctx) => {
  const asked = ctx.match.trim().toLowerCase();
  const next: Language | null = asked === "" ? otherLanguage(ctx.language) : isLanguage(asked) ? asked : null;
  if (next === null) return ctx.reply(texts(ctx.language).bot.langUsage);
  if (!ctx.user) return ctx.reply(texts(next).bot.startFirst);
  await changeLanguage(ctx.env, ctx.user.id, next);
  await ctx.reply(texts(next).bot.langSet);
});

/** /pause: nothing more is sent, and what was waiting is dropped (the reply says how much). */
account.command("pause", async (ctx) => {
  if (!ctx.user) return ctx.reply(ctx.texts.startFirst);
  const result = await pauseNotifications(ctx.env, ctx.user.id);
  await ctx.reply(result ? ctx.texts.paused(result.dropped) : ctx.texts.startFirst);
});

/** /resume: from new listings on. */
account.command("resume", async (ctx) => {
  if (!ctx.user) return ctx.reply(ctx.texts.startFirst);
  await ctx.reply((await resumeNotifications(ctx.env, ctx.user.id)) ? ctx.texts.resumed : ctx.texts.startFirst);
});
