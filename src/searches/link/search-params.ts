import { OLX_ROOMS, OLX_ROOMS_OR_MORE } from "../../sources/index.ts";
import { type LinkCriteria, type NumericCriterion, linkNumber } from "./parsed.ts";

/** Parameters that shape the page, not the search: dropped without a word. */
export const PRESENTATION = new Set(["page", "view", "search[order]", "order", "limit", "by", "direction", "viewType", "reason", "bs", "min_id", "courier"]);

/** `search[x][0]`, `search[x][1]` → `search[x]`: one name per filter, whatever its index. */
const filterName = (key: string) => key.replace(/\[\d+\]$/, "");

/**
 * The `search[...]` filters OLX links carry (and otodom.pl links did before
 * 2022), read into criteria. Returns the parameters it did not use, as
 * written, for the "could not use" line.
 *
 * @example readSearchFilters(new URLSearchParams("search[filter_float_price:to]=3000"), criteria) // [] and criteria.priceMax = 3000
 */
export function readSearchFilters(params: URLSearchParams, criteria: LinkCriteria): { unused: string[]; districtId: number | null } {
  const unused: string[] = [];
  const rooms: number[] = [];
  let manyRooms = false;
  let districtId: number | null = null;
  const numeric: Record<string, NumericCriterion> = {
    "search[filter_float_price:from]": "priceMin",
    "search[filter_float_price:to]": "priceMax",
    "search[filter_float_m:from]": "areaMin",
    "search[filter_float_m:to]": "areaMax",
    "search[filter_float_price_per_m:from]": "pricePerM2Min",
    "search[filter_float_price_per_m:to]": "pricePerM2Max",
  };
  for (const [key, value] of params) {
    const name = filterName(key);
    const field = numeric[name];
    if (PRESENTATION.has(name) || value === "") continue;
    if (field) {
      const n = linkNumber(value);
      if (n === null) unused.push(`${key}=${value}`);
      else criteria[field] = n;
    } else if (name === "search[filter_enum_rooms]") {
      // OLX's own keys; older Otodom links use the same `search[...]` filters.
      const n = OLX_ROOMS[value];
      if (n === undefined) unused.push(`${key}=${value}`);
      else {
        rooms.push(n);
        if (value === OLX_ROOMS_OR_MORE) manyRooms = true;
      }
    } else if (name === "search[private_business]" && value === "private") {
      criteria.privateOnly = true;
    } else if (name === "search[private_business]" && value === "all") {
      // the site's default
    } else if (name === "search[district_id]" && linkNumber(value) !== null) {
      districtId = linkNumber(value);
    } else if (name === "search[dist]") {
      const km = linkNumber(value);
      if (km === null) unused.push(`${key}=${value}`);
      else if (km > 0) criteria.radiusKm = km;
    } else {
      unused.push(`${key}=${value}`);
    }
  }
  if (rooms.length) {
    criteria.roomsMin = Math.min(...rooms);
    criteria.roomsMax = manyRooms ? null : Math.max(...rooms);
  }
  return { unused, districtId };
}
