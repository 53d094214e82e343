import { Composer, InlineKeyboard } from "grammy";
import { useDb } from "../../db/client.ts";
import { listCities, listDistricts } from "../../db/locations.ts";
import { claimFlow, clearFlow } from "../../db/bot-flows.ts";
import { changeSearch, createSearch } from "../../account/changes.ts";
import { config } from "../../lib/config.ts";
import { emptyDraft, validateDraft } from "../../model/search.ts";
import { summaryLines } from "../../searches/summary.ts";
import { describeIssues, texts } from "../../model/texts/index.ts";
import { escapeHtml } from "../../telegram/html.ts";
import type { BotContext } from "../context.ts";
import { type Flow, ORDER, STEPS, type StepId, loadFlow, storeFlow } from "./flow.ts";
import { type Answer, type Lookup, STEP_DEFINITIONS, type StepContext, callback, fixKeyboard, following } from "./steps.ts";

function lookupFor(env: Env): Lookup {
  const db = useDb(env.DB);
  let cities: ReturnType<typeof listCities> | undefined;
  return { cities: () => (cities ??= listCities(db)), districts: (cityId) => listDistricts(db, cityId) };
}

function stepContext(ctx: BotContext, flow: Flow): StepContext {
  return { texts: ctx.texts, search: texts(ctx.language).search, language: ctx.language, flow, lookup: lookupFor(ctx.env) };
}

/** The summary with save / change / cancel, plus what a pasted link could not say. */
async function showSummary(ctx: BotContext, flow: Flow) {
  const t = ctx.texts;
  const checked = validateDraft(flow.draft);
  const lines = [`<b>${escapeHtml(flow.kind === "link" ? t.linkUnderstood : t.summaryHeader)}</b>`];
  if (checked.ok) lines.push(...summaryLines(checked.draft, flow.cityName ?? "?", ctx.language).map(escapeHtml));
  else lines.push(escapeHtml(t.cannotSave), ...describeIssues(checked.issues, ctx.language).map((l) => `• ${escapeHtml(l)}`));
  if (flow.olxIdsMissing) lines.push("", escapeHtml(t.olxIdsMissing));
  if (flow.unused.length) lines.push("", escapeHtml(t.linkUnused), ...flow.unused.map((u) => `• <code>${escapeHtml(u.slice(0, 200))}</code>`));
  lines.push("", escapeHtml(t.summaryFooter));
  const keyboard = new InlineKeyboard()
    .text(t.buttons.save, callback("confirm", "save"))
    .text(t.buttons.edit, callback("confirm", "edit"))
    .text(t.buttons.cancel, callback("confirm", "cancel"));
  await ctx.reply(lines.join("\n"), { parse_mode: "HTML", reply_markup: keyboard, link_preview_options: { is_disabled: true } });
}

/** Asks the flow's current question. */
async function ask(ctx: BotContext, flow: Flow) {
  if (flow.step === "confirm") return showSummary(ctx, flow);
  const { text, keyboard } = STEP_DEFINITIONS[flow.step].question(stepContext(ctx, flow));
  await ctx.reply(text, { parse_mode: "HTML", ...(keyboard ? { reply_markup: keyboard } : {}) });
}

/** Moves to `step`, answering the questions earlier answers already settle, stores the flow, asks. */
export async function goTo(ctx: BotContext, flow: Flow, step: StepId) {
  let next = step;
  for (let skipped = STEP_DEFINITIONS[next].skip?.(flow); skipped; skipped = STEP_DEFINITIONS[next].skip?.(flow)) {
    flow.draft = { ...flow.draft, ...skipped };
    next = flow.reviewing ? "confirm" : following(next);
  }
  flow.step = next;
  if (next === "confirm") flow.reviewing = true;
  await storeFlow(useDb(ctx.env.DB), ctx.from?.id ?? 0, flow, ctx.now);
  await ask(ctx, flow);
}

/** Applies an answer to the current question: an error keeps the user there, a change moves on. */
async function apply(ctx: BotContext, flow: Flow, answer: Answer) {
  if ("reply" in answer) {
    await ctx.reply(answer.reply, { parse_mode: "HTML", ...(answer.keyboard ? { reply_markup: answer.keyboard } : {}) });
    return;
  }
  const step = STEP_DEFINITIONS[flow.step];
  const field = step.fields[0] ?? "name";
  if ("problem" in answer) {
    await ctx.reply(escapeHtml(describeIssues([{ field, problem: answer.problem }], ctx.language).join("\n")), { parse_mode: "HTML" });
    return;
  }
  const draft = { ...flow.draft, ...answer.patch };
  // Check what this question set now; the rest is checked when it is asked, and all of it on save.
  const checked = validateDraft(draft);
  const issues = checked.ok ? [] : checked.issues.filter((i) => step.fields.includes(i.field));
  if (issues.length) {
    await ctx.reply(escapeHtml(describeIssues(issues, ctx.language).join("\n")), { parse_mode: "HTML" });
    return;
  }
  const answered = flow.step;
  flow.draft = draft;
  if (answer.cityName) flow.cityName = answer.cityName;
  await goTo(ctx, flow, answer.next ?? (flow.reviewing ? "confirm" : following(answered)));
}

/** Save, change or cancel, from the summary. */
async function confirm(ctx: BotContext, flow: Flow, value: string) {
  const db = useDb(ctx.env.DB);
  const telegramId = ctx.from?.id ?? 0;
  const user = ctx.user;
  if (value === "cancel" || !user) {
    await clearFlow(db, telegramId);
    await ctx.reply(user ? ctx.texts.cancelled : ctx.texts.startFirst);
    return;
  }
  if (value === "edit") {
    await ctx.reply(ctx.texts.whatToChange, { reply_markup: fixKeyboard(ctx.language) });
    return;
  }
  const fix = /^fix-([a-z]+)$/.exec(value)?.[1];
  if (fix && (STEPS as readonly string[]).includes(fix)) {
    flow.reviewing = true;
    flow.step = fix as StepId;
    await storeFlow(db, telegramId, flow, ctx.now);
    await ask(ctx, flow);
    return;
  }
  if (value !== "save") return;
  const checked = validateDraft(flow.draft);
  if (!checked.ok) {
    await ctx.reply([ctx.texts.cannotSave, ...describeIssues(checked.issues, ctx.language)].join("\n"));
    return;
  }
  // Updates run concurrently (the webhook answers first): of two taps on Save,
  // only the one that removes the flow saves.
  if (!(await claimFlow(db, telegramId))) return;
  const limit = config(ctx.env).maxSearchesPerUser;
  if (flow.kind === "edit" && flow.searchId !== null) {
    const changed = await changeSearch(ctx.env, user.id, flow.searchId, checked.draft, ctx.now);
    await ctx.reply(changed ? ctx.texts.updated : ctx.texts.gone);
    return;
  }
  const id = await createSearch(ctx.env, user.id, checked.draft, ctx.now);
  if (id === null) {
    // Kept, so the search can be saved once another is deleted.
    await storeFlow(db, telegramId, flow, ctx.now);
    await ctx.reply(ctx.texts.limitReached(limit));
    return;
  }
  await ctx.reply(ctx.texts.saved);
}

/**
 * /new: the guided search, one question at a time, with buttons where the
 * answers are few. The flow lives in D1 (src/bot/wizard/flow.ts), so any
 * isolate can take the next answer, also after a restart.
 */
export const wizard = new Composer<BotContext>();

wizard.command("new", async (ctx) => {
  if (!ctx.user) return ctx.reply(ctx.texts.startFirst);
  const flow: Flow = { kind: "new", step: ORDER[0], draft: emptyDraft(), searchId: null, reviewing: false, cityName: null, unused: [], olxIdsMissing: false };
  await goTo(ctx, flow, flow.step);
});

wizard.command("cancel", async (ctx) => {
  await clearFlow(useDb(ctx.env.DB), ctx.from?.id ?? 0);
  await ctx.reply(ctx.texts.cancelled);
});

wizard.callbackQuery(/^w:([a-z]+):(.{1,40})$/, async (ctx) => {
  const [, step = "", value = ""] = ctx.match;
  const flow = await loadFlow(useDb(ctx.env.DB), ctx.from.id, ctx.now);
  if (!flow || flow.step !== step) {
    await ctx.answerCallbackQuery({ text: ctx.texts.staleButton });
    return;
  }
  await ctx.answerCallbackQuery();
  if (step === "confirm") return confirm(ctx, flow, value);
  const choose = STEP_DEFINITIONS[flow.step].choose;
  if (choose) await apply(ctx, flow, await choose(value, stepContext(ctx, flow)));
});

wizard.on("message:location", async (ctx, next) => {
  const flow = await loadFlow(useDb(ctx.env.DB), ctx.from.id, ctx.now);
  if (!flow || !["place", "districts", "radius"].includes(flow.step)) return next();
  const { latitude: lat, longitude: lon } = ctx.message.location;
  flow.draft = { ...flow.draft, lat, lon, districts: [] };
  // A radius chosen before stays; otherwise it is the next question.
  const after = flow.reviewing ? "confirm" : following("place");
  await goTo(ctx, flow, flow.draft.radiusKm != null ? after : "radius");
});

wizard.on("message:text", async (ctx, next) => {
  if (ctx.message.text.startsWith("/")) return next();
  const flow = await loadFlow(useDb(ctx.env.DB), ctx.from.id, ctx.now);
  if (!flow) return next();
  const type = STEP_DEFINITIONS[flow.step].type;
  if (!type) return ask(ctx, flow);
  await apply(ctx, flow, await type(ctx.message.text, stepContext(ctx, flow)));
});
