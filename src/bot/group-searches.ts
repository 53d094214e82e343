import { Composer, InlineKeyboard } from "grammy";
import { removeSearch, setSearchState } from "../account/changes.ts";
import { useDb } from "../db/client.ts";
import { type GroupSearch, listSearches, searchesInChat } from "../db/saved-searches.ts";
import { texts } from "../model/texts/index.ts";
import { compactSummary, summaryLines } from "../searches/summary.ts";
import { escapeHtml, escapeTruncated } from "../telegram/html.ts";
import { isChatAdmin } from "./chat-member.ts";
import type { BotContext } from "./context.ts";
import { groupChoice } from "./group-choice.ts";

/** Characters of one search's line, as in /list. */
const LINE_CAP = 180;
/** Characters of a search in a button of the private "My searches here" message. */
const BUTTON_CAP = 60;

/** Callback data of the group list's buttons: g:<action>:<search id>, and g:h for "My searches here". */
const ACTIONS = { pause: "p", resume: "r", delete: "d", confirmDelete: "D", keep: "k" } as const;
const ADD_MINE = "g:h";

/**
 * /searches in a group, with or without the bot's @name: grammY's command()
 * checks the name against botInfo, which src/bot/index.ts makes up (no getMe),
 * so the command is matched here by its text. Telegram bots' names end in "bot".
 */
export const GROUP_SEARCHES_COMMAND = /^\/searches(?:@\w*bot)?(?:\s|$)/i;

/** The group's searches as one message, with pause/resume and delete per search and "My searches here". */
async function renderGroupList(ctx: BotContext, chatId: number, title: string) {
  const bot = ctx.texts;
  const t = texts(ctx.language);
  const searches = await searchesInChat(useDb(ctx.env.DB), chatId);
  const keyboard = new InlineKeyboard();
  if (!searches.length) return { text: escapeHtml(t.groups.listEmpty), keyboard: keyboard.text(t.groups.addMineButton, ADD_MINE) };
  const lines = [`<b>${escapeHtml(t.groups.listHeader(title, searches.length))}</b>`];
  searches.forEach((search, i) => {
    const n = i + 1;
    const state = search.active ? "" : ` (${t.search.paused})`;
    lines.push(`${n}. ${escapeTruncated(compactSummary(search, search.cityName, ctx.language) + state, LINE_CAP)}`);
    keyboard
      .text(`${n} ${search.active ? bot.buttons.pause : bot.buttons.resume}`, `g:${search.active ? ACTIONS.pause : ACTIONS.resume}:${search.id}`)
      .text(`${n} ${bot.buttons.delete}`, `g:${ACTIONS.delete}:${search.id}`)
      .row();
  });
  keyboard.text(t.groups.addMineButton, ADD_MINE);
  return { text: lines.join("\n"), keyboard };
}

/** The chat's title as this update gives it (groups and supergroups always have one). */
const titleOf = (ctx: BotContext) => (ctx.chat && "title" in ctx.chat ? (ctx.chat.title ?? "") : "");

/**
 * A group chat's side of its searches: /searches lists what is sent to the
 * group, and its buttons pause, resume or delete one. A press is allowed for
 * the search's owner or a group admin (getChatMember); anyone else is told so.
 */
export const groupSearches = new Composer<BotContext>();

groupSearches.hears(GROUP_SEARCHES_COMMAND, async (ctx) => {
  const { text, keyboard } = await renderGroupList(ctx, ctx.chat.id, titleOf(ctx));
  await ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
});

/** Whether the presser may change the search: its owner, or an admin of this group. */
async function mayChange(ctx: BotContext, search: GroupSearch, chatId: number, telegramId: number): Promise<boolean> {
  return search.ownerTelegramId === telegramId || isChatAdmin(ctx.api, chatId, telegramId);
}

groupSearches.callbackQuery(/^g:([prdDk]):(\d{1,12})$/, async (ctx) => {
  const [, action = "", idText = ""] = ctx.match;
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return ctx.answerCallbackQuery();
  const all = await searchesInChat(useDb(ctx.env.DB), chatId);
  const n = all.findIndex((s) => s.id === Number(idText)) + 1;
  const search = all[n - 1];
  if (!search) return ctx.answerCallbackQuery({ text: ctx.texts.gone });
  if (!(await mayChange(ctx, search, chatId, ctx.from.id))) return ctx.answerCallbackQuery({ text: texts(ctx.language).groups.notAllowed, show_alert: true });

  if (action === ACTIONS.delete) {
    await ctx.answerCallbackQuery();
    const text = [escapeHtml(ctx.texts.deleteAsk), ...summaryLines(search, search.cityName, ctx.language).map(escapeHtml)].join("\n");
    const keyboard = new InlineKeyboard().text(ctx.texts.buttons.confirmDelete, `g:${ACTIONS.confirmDelete}:${search.id}`).text(ctx.texts.buttons.keep, `g:${ACTIONS.keep}:${search.id}`);
    return ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: keyboard });
  }
  // The owner's id, not the presser's: an admin changes someone else's search, which they were allowed to above.
  if (action === ACTIONS.pause || action === ACTIONS.resume) {
    const active = action === ACTIONS.resume;
    await setSearchState(ctx.env, search.userId, search.id, active, ctx.now);
    await ctx.answerCallbackQuery({ text: active ? ctx.texts.searchResumed(n) : ctx.texts.searchPaused(n) });
  } else if (action === ACTIONS.confirmDelete) {
    await removeSearch(ctx.env, search.userId, search.id);
    await ctx.answerCallbackQuery({ text: ctx.texts.deleted });
  } else await ctx.answerCallbackQuery();
  const { text, keyboard } = await renderGroupList(ctx, chatId, titleOf(ctx));
  await ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: keyboard });
});

/**
 * "My searches here": the presser is in the group (they pressed a button
 * there), so a partner who did not add the bot can send their own searches
 * here. The choice goes to their private chat, where each button is checked
 * again (src/bot/group-choice.ts).
 */
groupSearches.callbackQuery(ADD_MINE, async (ctx) => {
  const chatId = ctx.chat?.id;
  if (!ctx.user || chatId === undefined) return ctx.answerCallbackQuery({ text: ctx.texts.startFirst, show_alert: true });
  const t = texts(ctx.language).groups;
  const own = await listSearches(useDb(ctx.env.DB), ctx.user.id);
  const keyboard = new InlineKeyboard();
  own.forEach((search, i) => {
    const line = `${i + 1}. ${compactSummary(search, search.cityName, ctx.language)}`;
    keyboard.text(line.length > BUTTON_CAP ? `${line.slice(0, BUTTON_CAP - 1)}…` : line, groupChoice.to(search.id, chatId)).row();
  });
  // A user's private chat with the bot has their Telegram id.
  await ctx.api.sendMessage(ctx.from.id, own.length ? t.addMine(titleOf(ctx)) : ctx.texts.listEmpty, { reply_markup: keyboard });
  await ctx.answerCallbackQuery({ text: t.sentPrivately });
});
