import type { Deal, Source } from "../../model/listing.ts";
import type { LinkProblem, NumberField, SearchDraft, SearchProperty } from "../../model/search.ts";

/** The criteria a link can carry; the rest of a draft (city, source) comes from resolving it. */
export type LinkCriteria = Partial<
  Pick<
    SearchDraft,
    | "priceMin"
    | "priceMax"
    | "areaMin"
    | "areaMax"
    | "roomsMin"
    | "roomsMax"
    | "pricePerM2Min"
    | "pricePerM2Max"
    | "radiusKm"
    | "includeKeywords"
    | "privateOnly"
  >
>;

/** Both sites' path words for the deal. */
export const DEAL_SLUGS: Readonly<Record<string, Deal>> = { sprzedaz: "sale", wynajem: "rent" };

/** The criteria a link gives as plain numbers. */
export type NumericCriterion = Extract<NumberField, "priceMin" | "priceMax" | "areaMin" | "areaMax" | "pricePerM2Min" | "pricePerM2Max">;

/**
 * A search link as read, before any lookup: what the site's own search asks
 * for, in our terms, and what it asks that we cannot (as the link spells it,
 * so the user recognises it).
 */
export interface ParsedLink {
  source: Source;
  deal: Deal;
  property: SearchProperty;
  /** The city as the link names it: OLX's slug ("warszawa") or Otodom's location path. */
  place: OlxPlace | OtodomPlace;
  criteria: LinkCriteria;
  /** Parameters (or path parts) we read but cannot search by: "search[filter_enum_furniture][0]=yes". */
  unused: string[];
}

export interface OlxPlace {
  kind: "olx";
  /** The city segment of the path, e.g. "warszawa"; null for all of Poland. */
  citySlug: string | null;
  /** search[district_id], resolved against the districts we know. */
  districtId: number | null;
  /** Path segments as OLX's friendly-links API wants them: ["nieruchomosci", "mieszkania", "wynajem", "warszawa"]. */
  segments: string[];
}

export interface OtodomPlace {
  kind: "otodom";
  /** "mazowieckie/warszawa/warszawa/warszawa" (2026 form) or "warszawa" (older /pl/oferty/ links); null: all of Poland. */
  path: string | null;
}

export type LinkResult = { ok: true; link: ParsedLink } | { ok: false; problem: LinkProblem };

/** A path segment decoded; a malformed escape ("%E0%A4%A") is kept as written rather than thrown. */
export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * "2500" → 2500, "2 500,50" → 2500.5; anything else → null. Sites put plain
 * numbers in their links, but users edit links by hand.
 */
export function linkNumber(value: string | null | undefined): number | null {
  if (value == null) return null;
  const cleaned = value.replace(/\s+/g, "").replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return null;
  return Number(cleaned);
}
