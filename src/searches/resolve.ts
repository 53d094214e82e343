import type { City, District, OlxIds } from "../model/location.ts";
import { fold } from "../lib/fold.ts";
import { type SearchDraft, emptyDraft } from "../model/search.ts";
import type { OlxPlace, OtodomPlace, ParsedLink } from "./link/parsed.ts";

/** What resolving a link may look up or remember. */
export interface ResolveDeps {
  cities: readonly City[];
  districts(cityId: number): Promise<District[]>;
  /** Asks OLX which ids a search path stands for; null when it cannot say (down, blocked, format changed). */
  olxIds(segments: readonly string[]): Promise<OlxIds | null>;
  /** Stores ids learnt for a city, so feeds can fetch it from OLX. */
  saveOlxIds(cityId: number, ids: OlxIds): Promise<void>;
}

/** A link turned into a draft for the user to confirm. */
export interface ResolvedLink {
  draft: Partial<SearchDraft>;
  cityName: string;
  unused: string[];
  /** OLX could not tell us the city's ids and the seed has none: the search runs on Otodom until it can. */
  olxIdsMissing: boolean;
}

export type ResolveResult = { ok: true; resolved: ResolvedLink } | { ok: false; problem: "unknown_city"; place: string };

/** The city (and what is left of the path: a district) an Otodom location path names. */
function otodomCity(cities: readonly City[], place: OtodomPlace): { city: City; rest: string[] } | null {
  const parts = (place.path ?? "").split("/").filter(Boolean);
  for (const city of cities) {
    const own = (city.otodomPath ?? "").split("/").filter(Boolean);
    if (own.length && own.every((p, i) => parts[i] === p)) return { city, rest: parts.slice(own.length) };
  }
  // Older links name the city alone: /pl/oferty/sprzedaz/mieszkanie/warszawa
  const first = parts[0];
  const city = first ? cities.find((c) => fold(c.slug) === fold(first)) : undefined;
  return city ? { city, rest: parts.slice(1) } : null;
}

/**
 * A parsed link, made concrete: the city found among ours, an OLX district
 * id or an Otodom district path turned into a district name, OLX's ids
 * looked up when the seed lacks them. What cannot be used joins `unused`.
 */
export async function resolveLink(link: ParsedLink, deps: ResolveDeps): Promise<ResolveResult> {
  const unused = [...link.unused];
  const districts: District[] = [];
  let city: City | undefined;
  let olxIdsMissing = false;
  if (link.place.kind === "otodom") {
    const found = otodomCity(deps.cities, link.place);
    if (!found) return { ok: false, problem: "unknown_city", place: link.place.path ?? "" };
    city = found.city;
    if (found.rest.length) {
      const wanted = fold(found.rest[0] ?? "");
      const district = (await deps.districts(city.id)).find((d) => fold(d.name) === wanted);
      if (district && found.rest.length === 1) districts.push(district);
      else unused.push(found.rest.join("/"));
    }
  } else {
    const place: OlxPlace = link.place;
    city = deps.cities.find((c) => fold(c.slug) === fold(place.citySlug ?? ""));
    if (!city) return { ok: false, problem: "unknown_city", place: place.citySlug ?? "" };
    if (place.districtId !== null) {
      const district = (await deps.districts(city.id)).find((d) => d.olxDistrictId === place.districtId);
      if (district) districts.push(district);
      else unused.push(`search[district_id]=${place.districtId}`);
    }
    if (city.olxCityId === null) {
      const ids = await deps.olxIds(place.segments);
      if (ids) await deps.saveOlxIds(city.id, ids);
      else olxIdsMissing = true;
    }
  }
  const draft: Partial<SearchDraft> = {
    ...emptyDraft(),
    ...link.criteria,
    // An OLX city without ids is searched on both sites: Otodom now, OLX once its ids are known.
    source: olxIdsMissing ? null : link.source,
    deal: link.deal,
    property: link.property,
    cityId: city.id,
    districts: districts.map((d) => d.name),
  };
  // The sites' radius around a district reaches past it: "within r km of the district's centre".
  const [only] = districts;
  if (draft.radiusKm && districts.length === 1 && only?.lat != null && only.lon != null) {
    Object.assign(draft, { districts: [], lat: only.lat, lon: only.lon });
  }
  return { ok: true, resolved: { draft, cityName: city.name, unused, olxIdsMissing } };
}
