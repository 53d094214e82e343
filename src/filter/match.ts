import { fold } from "../lib/fold.ts";
import { distanceKm, type Point } from "../lib/geo.ts";
import { type Deal, type Listing, type Property, SOURCES, type Source } from "../model/listing.ts";
import type { Centroids } from "../model/location.ts";
import type { SearchCriteria } from "../model/search.ts";

/**
 * A listing and our city it is in, resolved once from its own location
 * (src/model/location.ts cityResolver): the matcher compares this id and
 * never the city name the site wrote (the sites spell names differently).
 */
export interface CityListing extends Omit<Listing, "olxCityId" | "region"> {
  cityId: number;
}

/** A search with its words folded once per batch, not once per listing. */
interface Compiled {
  search: SearchCriteria;
  districts: Set<string> | null;
  /** Folded keywords, each with a leading space: a word-prefix test is one `includes`. */
  include: string[] | null;
  exclude: string[] | null;
  /** Centre of the radius; null when the search has no radius. */
  centre: Point | null;
  /** The search has a radius whose centre nobody knows: nothing can be promised to be inside. */
  radiusUnknown: boolean;
}

/** What matching needs of a listing, computed once per listing, not once per search. */
interface Prepared {
  listing: CityListing;
  /** Folded title with a leading space. */
  title: string;
  district: string | null;
  pricePerM2: number | null;
  /** Resolved on first use: most searches have no radius. */
  point: Point | null | undefined;
}

function foldAll(words: readonly string[] | null): string[] | null {
  const out = (words ?? []).map(fold).filter((w) => w.length > 0);
  return out.length ? out : null;
}

function compile(search: SearchCriteria, centroids: Centroids): Compiled {
  const districts = foldAll(search.districts);
  const spaced = (words: string[] | null) => words?.map((w) => ` ${w}`) ?? null;
  let centre: Point | null = null;
  if (search.radiusKm !== null) {
    centre = search.lat !== null && search.lon !== null ? { lat: search.lat, lon: search.lon } : centroids.city(search.cityId);
  }
  return {
    search,
    districts: districts ? new Set(districts) : null,
    include: spaced(foldAll(search.includeKeywords)),
    exclude: spaced(foldAll(search.excludeKeywords)),
    centre,
    radiusUnknown: search.radiusKm !== null && centre === null,
  };
}

function prepare(listing: CityListing): Prepared {
  const { price, areaM2 } = listing;
  return {
    listing,
    title: ` ${fold(listing.title)}`,
    district: listing.district ? fold(listing.district) : null,
    pricePerM2: listing.pricePerM2 ?? (price !== null && areaM2 ? price / areaM2 : null),
    point: undefined,
  };
}

/** The listing's coordinates, else its district's centroid, else its city's. */
function whereIs(p: Prepared, centroids: Centroids): Point | null {
  if (p.point !== undefined) return p.point;
  const { listing } = p;
  let point: Point | null = null;
  if (listing.lat !== null && listing.lon !== null) point = { lat: listing.lat, lon: listing.lon };
  else point = (listing.district ? centroids.district(listing.cityId, listing.district) : null) ?? centroids.city(listing.cityId);
  p.point = point;
  return point;
}

/** Inclusive bounds; a set bound on a value the listing does not give is not met. */
function within(value: number | null, min: number | null, max: number | null): boolean {
  if (min === null && max === null) return true;
  if (value === null) return false;
  return (min === null || value >= min) && (max === null || value <= max);
}

function matchesCompiled(p: Prepared, c: Compiled, centroids: Centroids): boolean {
  const s = c.search;
  const l = p.listing;
  if (s.cityId !== l.cityId || s.deal !== l.deal || s.property !== l.property) return false;
  if (s.source !== null && s.source !== l.source) return false;
  if (s.privateOnly && l.isPrivate !== true) return false;
  if (!within(l.price, s.priceMin, s.priceMax)) return false;
  if (!within(l.areaM2, s.areaMin, s.areaMax)) return false;
  if (!within(l.rooms, s.roomsMin, s.roomsMax)) return false;
  if (!within(p.pricePerM2, s.pricePerM2Min, s.pricePerM2Max)) return false;
  if (c.districts && (p.district === null || !c.districts.has(p.district))) return false;
  if (c.include && !c.include.some((k) => p.title.includes(k))) return false;
  if (c.exclude?.some((k) => p.title.includes(k))) return false;
  if (c.radiusUnknown) return false;
  if (c.centre && s.radiusKm !== null) {
    const at = whereIs(p, centroids);
    if (!at || distanceKm(at, c.centre) > s.radiusKm) return false;
  }
  return true;
}

/**
 * Does one listing match one search? Every criterion is ANDed; a null
 * criterion allows anything.
 *
 * - city, deal, property: equal (`listing.cityId` is its feed's city; a
 *   listing whose deal or property the site did not say matches nothing);
 *   source: equal, or any when the search's source is null.
 * - price, area, rooms, price per m²: bounds are inclusive. A bound set on a
 *   value the listing lacks is NOT met: a user asking for at most 3 000 zł does
 *   not want "Zapytaj o cenę", nor a flat of unknown size when asking for 50 m².
 *   Price per m² is the site's, else price / area.
 * - districts: the listing's district equals one of them, compared folded
 *   (`fold`: "ŚRÓDMIEŚCIE" = "srodmiescie", "Bieżanów Prokocim" =
 *   "Bieżanów-Prokocim"). A listing without a district does not match a
 *   district filter. Names are compared as the site gives them: OLX names
 *   Poznań's osiedla ("Winiary") where Otodom names its dzielnice ("Jeżyce").
 * - radius: the distance from the search's point (or, without one, its city's
 *   centroid) to the listing's coordinates, else its district's centroid,
 *   else its city's centroid, is at most `radiusKm`. Unknown on either side:
 *   no match.
 * - keywords, in the folded title, as the start of a word ("balkon" finds
 *   "z balkonem", "łazienka" finds "Lazienka", "waldz" does not find
 *   "Grunwaldzki"; a phrase "plac grunwaldzki" matches across words):
 *   include: at least one appears; exclude: none appears.
 * - privateOnly: only listings the site marks as from a private owner
 *   (`isPrivate === true`; unknown is not private).
 *
 * For many listings or searches use {@link matchBatch}: this folds the
 * search's words on every call.
 *
 * @example matches({ ...listing, cityId: 3 }, { ...search, priceMax: 3000 }, centroids)
 */
export function matches(listing: CityListing, search: SearchCriteria, centroids: Centroids): boolean {
  return matchesCompiled(prepare(listing), compile(search, centroids), centroids);
}

const groupKey = (cityId: number, source: Source, deal: Deal | null, property: Property | null) =>
  `${cityId}|${source}|${deal}|${property}`;

/**
 * Matches a batch of listings against many searches with the semantics of
 * {@link matches}. Searches are compiled once (words folded, radius centre
 * resolved) and grouped by city, source, deal and property (a search of both
 * sources joins both of its groups), so each listing is only compared with
 * the searches that could match it; each listing is folded once. Sized for
 * 100 listings x 50 000 searches per queue batch.
 *
 * @param listings listings with the city of the feed each came from (a batch may mix feeds)
 * @param searches the active searches of those cities
 * @returns for each listing that matched anything, the searches it matched, in the order given
 */
export function matchBatch<L extends CityListing>(
  listings: readonly L[],
  searches: readonly SearchCriteria[],
  centroids: Centroids,
): Map<L, SearchCriteria[]> {
  const groups = new Map<string, Compiled[]>();
  const add = (key: string, c: Compiled) => {
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  };
  for (const search of searches) {
    const c = compile(search, centroids);
    for (const source of search.source === null ? SOURCES : [search.source]) {
      add(groupKey(search.cityId, source, search.deal, search.property), c);
    }
  }
  const out = new Map<L, SearchCriteria[]>();
  for (const listing of listings) {
    const candidates = groups.get(groupKey(listing.cityId, listing.source, listing.deal, listing.property));
    if (!candidates) continue;
    const p = prepare(listing);
    const found: SearchCriteria[] = [];
    for (const c of candidates) if (matchesCompiled(p, c, centroids)) found.push(c.search);
    if (found.length) out.set(listing, found);
  }
  return out;
}
