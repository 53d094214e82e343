import { z } from "zod";
import { type DraftField, type DraftIssue, type DraftProblem, LIMITS, LIST_FIELDS, type ListField, NUMBER_FIELDS, type SearchDraft } from "../model/search.ts";
import { parseAmount, parseList } from "./input.ts";

/** The form's input for each list field: keywords are typed as free text, districts as a list. */
const LIST_INPUTS = { districts: "districts", includeKeywords: "includeText", excludeKeywords: "excludeText" } as const satisfies Record<ListField, string>;

/** The settings page's search form, field by field, as the browser posts it; `chatId` is "Deliver to" (readDeliverTo). */
export type SearchForm = Partial<Record<keyof SearchDraft | (typeof LIST_INPUTS)[ListField] | "chatId", string>>;

/**
 * The most characters a posted field may hold, checked before anything reads
 * it: the amount parser backtracks on long runs of spaces ("1", 40 000 spaces,
 * "x" took seconds), and no real answer comes near these.
 */
export const FORM_FIELD_CHARS = {
  /** "3 500,50 zł", "1,2 mln", a coordinate. */
  number: 32,
  /** The name is cut to LIMITS.name after trimming; room for the spaces around it. */
  name: LIMITS.name * 4,
  /** Every district or keyword at its longest, with a separator each. */
  list: Math.max(LIMITS.districts, LIMITS.keywords) * (LIMITS.word + 2),
  /** source, deal, property, cityId, privateOnly: a word or an id. */
  choice: 32,
} as const;

const LIST_INPUT_FIELD = Object.fromEntries(Object.entries(LIST_INPUTS).map(([field, input]) => [input, field])) as Record<string, ListField>;

/** A field's bound, and what a value past it is: no number is that long, no choice either. */
function fieldBound(name: string): { chars: number; problem: DraftProblem } {
  if (name === "name") return { chars: FORM_FIELD_CHARS.name, problem: "too_long" };
  if (name in LIST_INPUT_FIELD) return { chars: FORM_FIELD_CHARS.list, problem: "too_long" };
  if ((NUMBER_FIELDS as readonly string[]).includes(name)) return { chars: FORM_FIELD_CHARS.number, problem: "number" };
  return { chars: FORM_FIELD_CHARS.choice, problem: "invalid" };
}

const FORM_INPUTS = ["name", "source", "deal", "property", "cityId", "privateOnly", ...NUMBER_FIELDS, ...Object.values(LIST_INPUTS)] as const;

/** The posted form's length bounds as one zod schema: each field a string of at most its characters. */
const boundedForm = z.object(Object.fromEntries(FORM_INPUTS.map((name) => [name, z.string().max(fieldBound(name).chars).optional()])));

/**
 * The settings form as posted, read the safe way round: lengths first (a
 * field over its bound is "too_long" and is not parsed at all), then
 * draftFromForm on the rest. Unknown fields are ignored.
 */
export function readSearchForm(posted: Record<string, string>): { input: Record<string, unknown>; issues: DraftIssue[] } {
  const form: SearchForm = {};
  for (const name of FORM_INPUTS) if (posted[name] !== undefined) form[name] = posted[name];
  const bounded = boundedForm.safeParse(form);
  const tooLong = new Set(bounded.success ? [] : bounded.error.issues.map((i) => String(i.path[0])));
  const readable: SearchForm = { ...form };
  for (const name of tooLong) delete readable[name as keyof SearchForm];
  const { input, issues } = draftFromForm(readable);
  const tooLongIssues = [...tooLong].map((name): DraftIssue => ({ field: (LIST_INPUT_FIELD[name] ?? name) as DraftField, problem: fieldBound(name).problem }));
  return { input, issues: [...tooLongIssues, ...issues] };
}

/**
 * Form fields to a draft for validateDraft: empty means "any", numbers are
 * read as people type them ("3 500"), lists are comma-separated. A number
 * that cannot be read is a problem of its own field, reported with the rest.
 */
export function draftFromForm(form: SearchForm): { input: Record<string, unknown>; issues: DraftIssue[] } {
  const issues: DraftIssue[] = [];
  const input: Record<string, unknown> = {
    name: form.name ?? "",
    source: form.source === "olx" || form.source === "otodom" ? form.source : null,
    deal: form.deal || undefined,
    property: form.property || undefined,
    cityId: form.cityId ? Number(form.cityId) : undefined,
    privateOnly: form.privateOnly === "on" || form.privateOnly === "true",
  };
  for (const field of LIST_FIELDS) input[field] = parseList(form[LIST_INPUTS[field]] ?? "");
  for (const field of NUMBER_FIELDS) {
    const raw = (form[field] ?? "").trim();
    if (raw === "") {
      input[field] = null;
      continue;
    }
    // Coordinates may be negative; everything else is an amount.
    const value = field === "lat" || field === "lon" ? (Number.isFinite(Number(raw)) ? Number(raw) : "number") : parseAmount(raw);
    if (typeof value === "number") input[field] = value;
    else issues.push({ field, problem: value });
  }
  return { input, issues };
}

/** "Deliver to" as posted: "" (the private chat) or a group's chat id, negative. */
const deliverToField = z
  .string()
  .max(FORM_FIELD_CHARS.choice)
  .regex(/^(-\d{1,16})?$/)
  .transform((v) => (v === "" ? null : Number(v)));

/**
 * The form's "Deliver to": the user's private chat (null), or one of the
 * groups they may use (`usable`, src/db/chats.ts usableChats). Anything else,
 * a forged or stale chat id included, is refused. Not posted at all: unchanged
 * (undefined), as a form from before the field would be.
 */
export function readDeliverTo(posted: string | undefined, usable: readonly number[]): { ok: true; chatId: number | null | undefined } | { ok: false } {
  if (posted === undefined) return { ok: true, chatId: undefined };
  const parsed = deliverToField.refine((id) => id === null || usable.includes(id)).safeParse(posted);
  return parsed.success ? { ok: true, chatId: parsed.data } : { ok: false };
}

/** A saved search as the form's initial values. */
export function formFromDraft(draft: SearchDraft): SearchForm {
  const form: SearchForm = {
    name: draft.name,
    source: draft.source ?? "both",
    deal: draft.deal,
    property: draft.property,
    cityId: String(draft.cityId),
    privateOnly: draft.privateOnly ? "on" : "",
  };
  for (const field of NUMBER_FIELDS) form[field] = draft[field] === null ? "" : String(draft[field]);
  for (const field of LIST_FIELDS) form[LIST_INPUTS[field]] = draft[field].join(", ");
  return form;
}
