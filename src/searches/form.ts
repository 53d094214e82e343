import { type DraftIssue, LIST_FIELDS, type ListField, NUMBER_FIELDS, type SearchDraft } from "../model/search.ts";
import { parseAmount, parseList } from "./input.ts";

/** The form's input for each list field: keywords are typed as free text, districts as a list. */
const LIST_INPUTS = { districts: "districts", includeKeywords: "includeText", excludeKeywords: "excludeText" } as const satisfies Record<ListField, string>;

/** The settings page's search form, field by field, as the browser posts it. */
export type SearchForm = Partial<Record<keyof SearchDraft | (typeof LIST_INPUTS)[ListField], string>>;

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
