import { Composer, InlineKeyboard } from "grammy";
import { issueLoginToken } from "../account/login-link.ts";
import type { BotContext } from "./context.ts";

/**
 * /settings: a signed link to the settings page (15 minutes, single use) and,
 * where the Worker is served over HTTPS as Telegram requires, a Mini App button.
 */
export const settingsCommand = new Composer<BotContext>();

settingsCommand.command("settings", async (ctx) => {
  if (!ctx.user || !ctx.from) return ctx.reply(ctx.texts.startFirst);
  const base = ctx.env.PUBLIC_URL.replace(/\/+$/, "");
  const token = await issueLoginToken(ctx.env.APP_SECRET, ctx.from.id, ctx.now);
  const link = `${base}/app/auth?t=${token}`;
  const keyboard = new InlineKeyboard().url(ctx.texts.buttons.openSettings, link);
  if (base.startsWith("https://")) keyboard.row().webApp(ctx.texts.buttons.openMiniApp, `${base}/app`);
  await ctx.reply(ctx.texts.settingsLink, { reply_markup: keyboard });
});
