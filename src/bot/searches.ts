import { Composer, InlineKeyboard } from "grammy";
import { useDb } from "../db/client.ts";
import { removeSearch, setSearchState } from "../account/changes.ts";
import { type SavedSearch, draftOf, getSearch, listSearches } from "../db/saved-searches.ts";
import { config } from "../lib/config.ts";
import { compactSummary, summaryLines } from "../searches/summary.ts";
import { texts } from "../model/texts/index.ts";
import { muteSearch } from "../telegram/callback-data.ts";
import { escapeHtml, escapeTruncated } from "../telegram/html.ts";
import type { BotContext } from "./context.ts";
import { groupChoice } from "./group-choice.ts";
import { goTo } from "./wizard/wizard.ts";

/** Characters of one search's line in /list: 20 searches stay within one 4096-character message. */
const LINE_CAP = 180;

/** Callback data of the list's buttons: s:<action>:<search id>. */
const ACTIONS = { pause: "p", resume: "r", edit: "e", delete: "d", confirmDelete: "D", keep: "k" } as const;

/** /list as one message: a numbered line per search and a row of buttons for each. */
function renderList(ctx: BotContext, searches: readonly SavedSearch[]) {
  const t = ctx.texts;
  const s = texts(ctx.language).search;
  const g = texts(ctx.language).groups;
  const lines = [`<b>${escapeHtml(t.listHeader(searches.length, config(ctx.env).maxSearchesPerUser))}</b>`];
  if (ctx.user?.paused) lines.push(escapeHtml(t.allPausedNote));
  const keyboard = new InlineKeyboard();
  searches.forEach((search, i) => {
    const n = i + 1;
    const state = search.active ? "" : ` (${s.paused})`;
    const where = search.chatTitle === null ? "" : ` ${g.deliversTo(search.chatTitle)}`;
    lines.push(`${n}. ${escapeTruncated(compactSummary(search, search.cityName, ctx.language) + state + where, LINE_CAP)}`);
    keyboard
      .text(`${n} ${search.active ? t.buttons.pause : t.buttons.resume}`, `s:${search.active ? ACTIONS.pause : ACTIONS.resume}:${search.id}`)
      .text(`${n} ✏️`, `s:${ACTIONS.edit}:${search.id}`)
      .text(`${n} ${g.chooseButton}`, groupChoice.open(search.id))
      .text(`${n} ${t.buttons.delete}`, `s:${ACTIONS.delete}:${search.id}`)
      .row();
  });
  return { text: lines.join("\n"), keyboard };
}

/** Asks before deleting, showing what would go. */
async function askDelete(ctx: BotContext, search: SavedSearch) {
  const t = ctx.texts;
  const text = [escapeHtml(t.deleteAsk), ...summaryLines(search, search.cityName, ctx.language).map(escapeHtml)].join("\n");
  const keyboard = new InlineKeyboard().text(t.buttons.confirmDelete, `s:${ACTIONS.confirmDelete}:${search.id}`).text(t.buttons.keep, `s:${ACTIONS.keep}:${search.id}`);
  await ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
}

/**
 * /list, /delete and the list's buttons: pause, resume, edit, delete one
 * search. Every id from a button is checked against the user's own searches.
 */
export const searches = new Composer<BotContext>();

searches.command("list", async (ctx) => {
  if (!ctx.user) return ctx.reply(ctx.texts.startFirst);
  const all = await listSearches(useDb(ctx.env.DB), ctx.user.id);
  if (!all.length) return ctx.reply(ctx.texts.listEmpty);
  const { text, keyboard } = renderList(ctx, all);
  await ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
});

searches.command("delete", async (ctx) => {
  if (!ctx.user) return ctx.reply(ctx.texts.startFirst);
  const all = await listSearches(useDb(ctx.env.DB), ctx.user.id);
  const n = Number(ctx.match.trim());
  const search = Number.isInteger(n) ? all[n - 1] : undefined;
  if (!search) return ctx.reply(all.length ? ctx.texts.deleteUsage : ctx.texts.listEmpty);
  await askDelete(ctx, search);
});

searches.callbackQuery(/^s:([predDk]):(\d{1,12})$/, async (ctx) => {
  const [, action = "", idText = ""] = ctx.match;
  const t = ctx.texts;
  if (!ctx.user) return ctx.answerCallbackQuery({ text: t.startFirst });
  const userId = ctx.user.id;
  const id = Number(idText);
  const db = useDb(ctx.env.DB);
  const search = await getSearch(db, userId, id);
  if (!search) return ctx.answerCallbackQuery({ text: t.gone });

  if (action === ACTIONS.pause || action === ACTIONS.resume) {
    const active = action === ACTIONS.resume;
    await setSearchState(ctx.env, userId, id, active, ctx.now);
    const all = await listSearches(db, userId);
    const n = all.findIndex((s) => s.id === id) + 1;
    await ctx.answerCallbackQuery({ text: active ? t.searchResumed(n) : t.searchPaused(n) });
    const { text, keyboard } = renderList(ctx, all);
    await ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: keyboard });
  } else if (action === ACTIONS.edit) {
    await ctx.answerCallbackQuery();
    await goTo(ctx, { kind: "edit", step: "confirm", draft: draftOf(search), searchId: search.id, reviewing: true, cityName: search.cityName, unused: [], olxIdsMissing: false }, "confirm");
  } else if (action === ACTIONS.delete) {
    await ctx.answerCallbackQuery();
    await askDelete(ctx, search);
  } else if (action === ACTIONS.confirmDelete) {
    await removeSearch(ctx.env, userId, id);
    await ctx.answerCallbackQuery({ text: t.deleted });
    await ctx.editMessageText(t.deleted);
  } else {
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup();
  }
});

/** "Mute this search" under a notification: pauses the search the listing matched. */
searches.callbackQuery(muteSearch.pattern, async (ctx) => {
  if (!ctx.user) return ctx.answerCallbackQuery({ text: ctx.texts.startFirst });
  const muted = await setSearchState(ctx.env, ctx.user.id, Number(ctx.match[1]), false, ctx.now);
  await ctx.answerCallbackQuery({ text: muted ? ctx.texts.muted : ctx.texts.gone });
});
