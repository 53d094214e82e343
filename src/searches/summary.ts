import { formatNumber, texts } from "../model/texts/index.ts";
import type { Language } from "../model/language.ts";
import type { SearchDraft } from "../model/search.ts";

/** "2 000–3 500", "od 2 000", "do 3 500", or null when neither end is set. */
function range(min: number | null, max: number | null, unit: string, language: Language): string | null {
  const n = (v: number) => formatNumber(v, language, v % 1 ? 1 : 0);
  const suffix = unit ? ` ${unit}` : "";
  if (min !== null && max !== null) return min === max ? `${n(min)}${suffix}` : `${n(min)}–${n(max)}${suffix}`;
  const words = texts(language).summary;
  if (min !== null) return words.from(`${n(min)}${suffix}`);
  if (max !== null) return words.upTo(`${n(max)}${suffix}`);
  return null;
}

/** The headline of a search: "mieszkanie · wynajem · Warszawa". Plain text. */
export function searchTitle(draft: Pick<SearchDraft, "property" | "deal">, cityName: string, language: Language): string {
  const t = texts(language).search;
  return `${t.properties[draft.property]} · ${t.deals[draft.deal]} · ${cityName}`;
}

/**
 * What a search asks for, one criterion per line, the way the bot and the
 * settings page show it. Plain text (user-typed words included): the caller
 * escapes for its medium.
 */
export function summaryLines(draft: SearchDraft, cityName: string, language: Language): string[] {
  const { search: t, summary: s } = texts(language);
  const f = t.fields;
  const label = (name: string, value: string | null) => `${name}: ${value ?? t.any}`;
  const lines = [searchTitle(draft, cityName, language)];
  if (draft.name) lines.push(label(f.name, draft.name));
  lines.push(label(f.source, t.sources[draft.source ?? "both"]));
  lines.push(label(s.price, range(draft.priceMin, draft.priceMax, "zł", language)));
  lines.push(label(s.area, range(draft.areaMin, draft.areaMax, "m²", language)));
  lines.push(label(s.rooms, range(draft.roomsMin, draft.roomsMax, "", language)));
  const perM2 = range(draft.pricePerM2Min, draft.pricePerM2Max, "zł/m²", language);
  if (perM2) lines.push(label(s.pricePerM2, perM2));
  lines.push(label(f.districts, draft.districts.length ? draft.districts.join(", ") : t.wholeCity));
  if (draft.radiusKm !== null) {
    const km = t.km(formatNumber(draft.radiusKm, language, 1));
    lines.push(label(f.radiusKm, draft.lat !== null ? t.nearPoint(km) : t.nearCentre(km)));
  }
  if (draft.includeKeywords.length) lines.push(label(f.includeKeywords, draft.includeKeywords.join(", ")));
  if (draft.excludeKeywords.length) lines.push(label(f.excludeKeywords, draft.excludeKeywords.join(", ")));
  lines.push(label(f.privateOnly, draft.privateOnly ? t.yes : t.no));
  return lines;
}

/**
 * One line per search, for lists: "mieszkanie · wynajem · Warszawa · do 3 500 zł · 2–3 pok. · Mokotów".
 * Plain text; the caller escapes and caps it.
 */
export function compactSummary(draft: SearchDraft, cityName: string, language: Language): string {
  const { search: t, summary: s } = texts(language);
  const parts = [searchTitle(draft, cityName, language)];
  if (draft.name) parts.unshift(draft.name);
  const price = range(draft.priceMin, draft.priceMax, "zł", language);
  const rooms = range(draft.roomsMin, draft.roomsMax, s.roomsUnit, language);
  const area = range(draft.areaMin, draft.areaMax, "m²", language);
  for (const part of [price, rooms, area]) if (part) parts.push(part);
  if (draft.districts.length) parts.push(draft.districts.join(", "));
  if (draft.radiusKm !== null) parts.push(`≤ ${t.km(formatNumber(draft.radiusKm, language, 1))}`);
  if (draft.source) parts.push(t.sources[draft.source]);
  if (draft.privateOnly) parts.push(t.fields.privateOnly.toLowerCase());
  return parts.join(" · ");
}
