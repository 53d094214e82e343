import type { DraftIssue, SearchDraft } from "../model/search.ts";
import { parseAmount, parseList } from "./input.ts";

/** The settings page's search form, field by field, as the browser posts it. */
export type SearchForm = Partial<Record<keyof SearchDraft | "includeText" | "excludeText", string>>;

const NUMBERS = ["priceMin", "priceMax", "areaMin", "areaMax", "roomsMin", "roomsMax", "pricePerM2Min", "pricePerM2Max", "lat", "lon", "radiusKm"] as const;

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
    districts: parseList(form.districts ?? ""),
    includeKeywords: parseList(form.includeText ?? ""),
    excludeKeywords: parseList(form.excludeText ?? ""),
    privateOnly: form.privateOnly === "on" || form.privateOnly === "true",
  };
  for (const field of NUMBERS) {
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
  const n = (v: number | null) => (v === null ? "" : String(v));
  return {
    name: draft.name,
    source: draft.source ?? "both",
    deal: draft.deal,
    property: draft.property,
    cityId: String(draft.cityId),
    priceMin: n(draft.priceMin),
    priceMax: n(draft.priceMax),
    areaMin: n(draft.areaMin),
    areaMax: n(draft.areaMax),
    roomsMin: n(draft.roomsMin),
    roomsMax: n(draft.roomsMax),
    pricePerM2Min: n(draft.pricePerM2Min),
    pricePerM2Max: n(draft.pricePerM2Max),
    districts: draft.districts.join(", "),
    lat: n(draft.lat),
    lon: n(draft.lon),
    radiusKm: n(draft.radiusKm),
    includeText: draft.includeKeywords.join(", "),
    excludeText: draft.excludeKeywords.join(", "),
    privateOnly: draft.privateOnly ? "on" : "",
  };
}
