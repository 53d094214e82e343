import { DEAL_SLUGS, type LinkCriteria, type LinkResult, safeDecode } from "./parsed.ts";
import { readSearchFilters } from "./search-params.ts";

/** Path prefixes of the same search pages: `/d/` (2021 on), `/i2/` and `/m/` (old mobile). */
const PAGE_PREFIXES = new Set(["d", "i2", "m"]);

/**
 * An olx.pl search link, e.g.
 * `https://www.olx.pl/d/nieruchomosci/mieszkania/wynajem/krakow/q-balkon/?search[filter_float_price:to]=3000&search[filter_enum_rooms][0]=two`:
 * the path names the category, the deal and the city (and optionally a text
 * query), the `search[...]` parameters the filters.
 *
 * OLX is watched for flats only (src/sources/olx/category.ts), so other
 * categories are refused rather than saved as a search that never fetches.
 */
export function parseOlxLink(url: URL): LinkResult {
  const parts = url.pathname
    .split("/")
    .filter(Boolean)
    .map((p) => safeDecode(p).toLowerCase());
  if (parts[0] && PAGE_PREFIXES.has(parts[0])) parts.shift();
  if (parts[0] !== "nieruchomosci") return { ok: false, problem: parts.length && parts[0] !== "oferta" ? "unsupported_category" : "not_a_search" };
  const [, category, dealSlug, ...rest] = parts;
  const deal = dealSlug ? DEAL_SLUGS[dealSlug] : undefined;
  if (category !== "mieszkania" || dealSlug === "zamiana") return { ok: false, problem: "unsupported_category" };
  if (!deal) return { ok: false, problem: "no_deal" };

  const criteria: LinkCriteria = {};
  const query = rest.find((p) => p.startsWith("q-"));
  const citySlug = rest.find((p) => !p.startsWith("q-")) ?? null;
  if (!citySlug) return { ok: false, problem: "no_city" };
  if (query) {
    const words = query.slice(2).split("-").filter(Boolean);
    if (words.length) criteria.includeKeywords = words;
  }
  const { unused, districtId } = readSearchFilters(url.searchParams, criteria);
  return {
    ok: true,
    link: {
      source: "olx",
      deal,
      property: "flat",
      place: { kind: "olx", citySlug, districtId, segments: ["nieruchomosci", category, dealSlug ?? "", citySlug] },
      criteria,
      unused,
    },
  };
}
