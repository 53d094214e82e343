import { Composer, InlineKeyboard } from "grammy";
import { pointSearch } from "../account/changes.ts";
import { type Chat, getChat, usableChats } from "../db/chats.ts";
import { useDb } from "../db/client.ts";
import { getSearch } from "../db/saved-searches.ts";
import { texts } from "../model/texts/index.ts";
import { compactSummary } from "../searches/summary.ts";
import { isChatMember } from "./chat-member.ts";
import type { BotContext } from "./context.ts";

/** Groups asked about in one choice: getChatMember is one Bot API call each. */
const MAX_GROUPS_ASKED = 10;
/** Characters of a search's summary in a button or the question. */
const SUMMARY_CAP = 60;

/**
 * Callback data of the choice: s:g:<search> opens it, s:t:<search>:<chat>
 * points the search at a group, s:m:<search> back at the user's own chat.
 */
export const groupChoice = {
  open: (searchId: number) => `s:g:${searchId}`,
  to: (searchId: number, chatId: number) => `s:t:${searchId}:${chatId}`,
  home: (searchId: number) => `s:m:${searchId}`,
} as const;

const cut = (text: string) => (text.length > SUMMARY_CAP ? `${text.slice(0, SUMMARY_CAP - 1)}…` : text);

/**
 * The groups among `candidates` the user may send a search to now: the bot
 * is in them (D1) and Telegram says the user is a member (getChatMember, at
 * choice time, since membership changes without the bot hearing of it).
 */
async function groupsFor(ctx: BotContext, candidates: readonly Chat[], telegramId: number): Promise<Chat[]> {
  const asked = candidates.slice(0, MAX_GROUPS_ASKED);
  const member = await Promise.all(asked.map((chat) => isChatMember(ctx.api, chat.chatId, telegramId)));
  return asked.filter((_, i) => member[i]);
}

/**
 * "Send to a group" in a private chat: the 👥 button of a search in /list
 * offers the groups the user added the bot to or already sends a search to
 * (a partner's group: "My searches here" under /searches there, src/bot/group-searches.ts),
 * and the way back to the user's own chat. Every choice is checked again when
 * pressed: the search is the user's, the bot is in the group, the user is a member.
 */
export const groupChoiceButtons = new Composer<BotContext>();

groupChoiceButtons.callbackQuery(/^s:g:(\d{1,12})$/, async (ctx) => {
  const t = texts(ctx.language).groups;
  if (!ctx.user) return ctx.answerCallbackQuery({ text: ctx.texts.startFirst });
  const db = useDb(ctx.env.DB);
  const search = await getSearch(db, ctx.user.id, Number(ctx.match[1]));
  if (!search) return ctx.answerCallbackQuery({ text: ctx.texts.gone });
  const groups = await groupsFor(ctx, await usableChats(db, ctx.user.id), ctx.from.id);
  const keyboard = new InlineKeyboard();
  for (const chat of groups) keyboard.text(`${chat.chatId === search.chatId ? "✓ " : ""}👥 ${cut(chat.title)}`, groupChoice.to(search.id, chat.chatId)).row();
  keyboard.text(`${search.chatId === null ? "✓ " : ""}${t.myChatButton}`, groupChoice.home(search.id));
  await ctx.answerCallbackQuery();
  const question = t.choose(cut(compactSummary(search, search.cityName, ctx.language)));
  await ctx.reply(groups.length ? question : `${question}\n\n${t.noGroups}`, { reply_markup: keyboard });
});

groupChoiceButtons.callbackQuery(/^s:t:(\d{1,12}):(-\d{1,16})$/, async (ctx) => {
  const t = texts(ctx.language).groups;
  if (!ctx.user) return ctx.answerCallbackQuery({ text: ctx.texts.startFirst });
  const searchId = Number(ctx.match[1]);
  const chatId = Number(ctx.match[2]);
  const db = useDb(ctx.env.DB);
  if (!(await getSearch(db, ctx.user.id, searchId))) return ctx.answerCallbackQuery({ text: ctx.texts.gone });
  const chat = await getChat(db, chatId);
  if (!chat || chat.leftAt !== null || !(await isChatMember(ctx.api, chatId, ctx.from.id))) {
    return ctx.answerCallbackQuery({ text: t.notMember, show_alert: true });
  }
  if (!(await pointSearch(ctx.env, ctx.user.id, searchId, chatId, ctx.now))) return ctx.answerCallbackQuery({ text: ctx.texts.gone });
  await ctx.answerCallbackQuery({ text: t.pointed(chat.title) });
  await ctx.editMessageText(t.pointed(chat.title));
});

groupChoiceButtons.callbackQuery(/^s:m:(\d{1,12})$/, async (ctx) => {
  const t = texts(ctx.language).groups;
  if (!ctx.user) return ctx.answerCallbackQuery({ text: ctx.texts.startFirst });
  if (!(await pointSearch(ctx.env, ctx.user.id, Number(ctx.match[1]), null, ctx.now))) return ctx.answerCallbackQuery({ text: ctx.texts.gone });
  await ctx.answerCallbackQuery({ text: t.pointedHome });
  await ctx.editMessageText(t.pointedHome);
});
