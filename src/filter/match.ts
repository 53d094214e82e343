import { fold } from "../lib/fold.ts";
import { distanceKm, type Point } from "../lib/geo.ts";
import type { Deal, Listing, Property, Source } from "../sources/listing.ts";

/** A saved search as the matcher reads it. null: no constraint. */
export interface SearchCriteria {
  id: number;
  userId: number;
  name: string;
  /** null: both sources. */
  source: Source | null;
  deal: Deal;
  property: Property;
  cityId: number;
  priceMin: number | null;
  priceMax: number | null;
  areaMin: number | null;
  areaMax: number | null;
  roomsMin: number | null;
  roomsMax: number | null;
  pricePerM2Min: number | null;
  pricePerM2Max: number | null;
  districts: string[] | null;
  lat: number | null;
  lon: number | null;
  radiusKm: number | null;
  includeKeywords: string[] | null;
  excludeKeywords: string[] | null;
  privateOnly: boolean;
}

/** Where a listing without coordinates is taken to be, for radius searches. */
export interface Centroids {
  city(cityId: number): Point | null;
  district(cityId: number, district: string): Point | null;
}

/** A listing and the city of the feed it came from (the feed's query fixed the city). */
export interface CityListing extends Listing {
  cityId: number;
}

/** A search with its words folded once per batch, not once per listing. */
interface Compiled {
  search: SearchCriteria;
  districts: Set<string> | null;
  include: string[] | null;
  exclude: string[] | null;
}

function folded(words: string[] | null): string[] | null {
  const out = (words ?? []).map(fold).filter((w) => w.length > 0);
  return out.length ? out : null;
}

function compile(search: SearchCriteria): Compiled {
  const districts = folded(search.districts);
  return {
    search,
    districts: districts ? new Set(districts) : null,
    include: folded(search.includeKeywords),
    exclude: folded(search.excludeKeywords),
  };
}

/** A set bound on a value the listing does not give is not met: "up to 3 000 zł" never means "price on request". */
function within(value: number | null, min: number | null, max: number | null): boolean {
  if (min === null && max === null) return true;
  if (value === null) return false;
  return (min === null || value >= min) && (max === null || value <= max);
}

/** A keyword matches a word of the title that starts with it: "balkon" finds "balkonem". */
function mentions(title: string, keyword: string): boolean {
  return ` ${title}`.includes(` ${keyword}`);
}

function whereIs(listing: CityListing, centroids: Centroids): Point | null {
  if (listing.lat !== null && listing.lon !== null) return { lat: listing.lat, lon: listing.lon };
  if (listing.district) {
    const district = centroids.district(listing.cityId, listing.district);
    if (district) return district;
  }
  return centroids.city(listing.cityId);
}

function matchesCompiled(listing: CityListing, title: string, c: Compiled, centroids: Centroids): boolean {
  const s = c.search;
  if (s.cityId !== listing.cityId) return false;
  if (s.source !== null && s.source !== listing.source) return false;
  if (s.deal !== listing.deal || s.property !== listing.property) return false;
  if (s.privateOnly && listing.isPrivate !== true) return false;
  if (!within(listing.price, s.priceMin, s.priceMax)) return false;
  if (!within(listing.areaM2, s.areaMin, s.areaMax)) return false;
  if (!within(listing.rooms, s.roomsMin, s.roomsMax)) return false;
  const perM2 = listing.pricePerM2 ?? (listing.price !== null && listing.areaM2 ? listing.price / listing.areaM2 : null);
  if (!within(perM2, s.pricePerM2Min, s.pricePerM2Max)) return false;
  if (c.districts && !(listing.district && c.districts.has(fold(listing.district)))) return false;
  if (c.include && !c.include.some((k) => mentions(title, k))) return false;
  if (c.exclude?.some((k) => mentions(title, k))) return false;
  if (s.radiusKm !== null && s.lat !== null && s.lon !== null) {
    const at = whereIs(listing, centroids);
    if (!at || distanceKm(at, { lat: s.lat, lon: s.lon }) > s.radiusKm) return false;
  }
  return true;
}

/**
 * Does one listing match one search? All criteria are ANDed; each null
 * criterion allows anything. Districts compare folded names; a radius uses the
 * listing's coordinates, else its district's centroid, else its city's;
 * keywords look at the title (include: any of them; exclude: none of them).
 */
export function matches(listing: CityListing, search: SearchCriteria, centroids: Centroids): boolean {
  return matchesCompiled(listing, fold(listing.title), compile(search), centroids);
}

/**
 * Matches a batch: searches are compiled once and grouped by city, deal and
 * property, so each listing is only compared with searches that could match.
 *
 * @returns for each listing that matched anything, the searches it matched
 */
export function matchBatch<L extends CityListing>(
  listings: readonly L[],
  searches: readonly SearchCriteria[],
  centroids: Centroids,
): Map<L, SearchCriteria[]> {
  const groups = new Map<string, Compiled[]>();
  for (const search of searches) {
    const key = `${search.cityId}|${search.deal}|${search.property}`;
    const group = groups.get(key);
    if (group) group.push(compile(search));
    else groups.set(key, [compile(search)]);
  }
  const out = new Map<L, SearchCriteria[]>();
  for (const listing of listings) {
    const candidates = groups.get(`${listing.cityId}|${listing.deal}|${listing.property}`);
    if (!candidates) continue;
    const title = fold(listing.title);
    const found = candidates.filter((c) => matchesCompiled(listing, title, c, centroids)).map((c) => c.search);
    if (found.length) out.set(listing, found);
  }
  return out;
}
