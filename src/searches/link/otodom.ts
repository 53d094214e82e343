import type { SearchProperty } from "../../model/search.ts";
import { OTODOM_ROOMS, OTODOM_ROOMS_OR_MORE } from "../../sources/index.ts";
import { DEAL_SLUGS, type LinkCriteria, type LinkResult, type NumericCriterion, linkNumber, safeDecode } from "./parsed.ts";
import { PRESENTATION, readSearchFilters } from "./search-params.ts";

const ESTATES: Readonly<Record<string, SearchProperty>> = { mieszkanie: "flat", dom: "house", pokoj: "room", dzialka: "plot" };

/**
 * Otodom's roomsNumber values: today ONE to FIVE and SIX_OR_MORE, a filter's
 * own value; older links go to TEN and MORE, read as the parser reads them.
 */
const SIX_OR_MORE = "SIX_OR_MORE";
const OPEN_ENDED = new Set([SIX_OR_MORE, OTODOM_ROOMS_OR_MORE]);
const ROOMS: Readonly<Record<string, number>> = { ...OTODOM_ROOMS, [SIX_OR_MORE]: 6 };

/** Otodom's "whole country" location. */
const ALL_POLAND = "cala-polska";

/** `[TWO,THREE]` or `TWO,THREE` → ["TWO", "THREE"]. */
const listValues = (value: string) =>
  value
    .replace(/^\[|\]$/g, "")
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * An otodom.pl search link. Today's form:
 * `/pl/wyniki/<deal>/<estate>/<voivodeship>/<county>/<commune>/<city>[/<district>]?priceMax=…&roomsNumber=[TWO,THREE]`;
 * before that `/pl/oferty/<deal>/<estate>/<city>?…`, and before 2022
 * `/<deal>/<estate>/<city>/?search[filter_float_price:to]=…` with OLX's filters.
 */
export function parseOtodomLink(url: URL): LinkResult {
  const parts = url.pathname
    .split("/")
    .filter(Boolean)
    .map((p) => safeDecode(p).toLowerCase());
  if (parts[0] === "pl" || parts[0] === "en") parts.shift();
  if (parts[0] === "wyniki" || parts[0] === "oferty") parts.shift();
  const [dealSlug, estateSegment, ...location] = parts;
  // "mieszkanie,rynek-wtorny": the estate, then refinements we cannot search by.
  const [estateSlug, ...refinements] = (estateSegment ?? "").split(",");
  if (!dealSlug || (!DEAL_SLUGS[dealSlug] && dealSlug !== "zamiana")) return { ok: false, problem: "not_a_search" };
  const deal = DEAL_SLUGS[dealSlug];
  const property = estateSlug ? ESTATES[estateSlug] : undefined;
  if (!deal || !property) return { ok: false, problem: "unsupported_category" };
  const path = location.filter((p) => p !== ALL_POLAND).join("/") || null;
  if (!path) return { ok: false, problem: "no_city" };

  const criteria: LinkCriteria = {};
  const legacy = new URLSearchParams();
  const unused: string[] = refinements.filter(Boolean);
  const numeric: Record<string, NumericCriterion> = {
    priceMin: "priceMin",
    priceMax: "priceMax",
    areaMin: "areaMin",
    areaMax: "areaMax",
    pricePerMeterMin: "pricePerM2Min",
    pricePerMeterMax: "pricePerM2Max",
  };
  for (const [key, value] of url.searchParams) {
    const field = numeric[key];
    if (key.startsWith("search[")) legacy.append(key, value);
    else if (PRESENTATION.has(key) || value === "") continue;
    else if (field) {
      const n = linkNumber(value);
      if (n === null) unused.push(`${key}=${value}`);
      else criteria[field] = n;
    } else if (key === "roomsNumber") {
      const rooms = listValues(value).map((v) => ROOMS[v.toUpperCase()]);
      if (rooms.some((r) => r === undefined) || !rooms.length) unused.push(`${key}=${value}`);
      else {
        const known = rooms.filter((r): r is number => r !== undefined);
        criteria.roomsMin = Math.min(...known);
        criteria.roomsMax = listValues(value).some((v) => OPEN_ENDED.has(v.toUpperCase())) ? null : Math.max(...known);
      }
    } else if (key === "market" && value === "ALL") {
      // the site's default
    } else if (key === "ownerTypeSingleSelect") {
      if (value === "PRIVATE") criteria.privateOnly = true;
      else if (value !== "ALL") unused.push(`${key}=${value}`);
    } else if (key === "distanceRadius") {
      const km = linkNumber(value);
      if (km === null) unused.push(`${key}=${value}`);
      else if (km > 0) criteria.radiusKm = km;
    } else {
      unused.push(`${key}=${value}`);
    }
  }
  unused.push(...readSearchFilters(legacy, criteria).unused);
  return { ok: true, link: { source: "otodom", deal, property, place: { kind: "otodom", path }, criteria, unused } };
}
