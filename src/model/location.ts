import { fold } from "../lib/fold.ts";
import type { Point } from "../lib/geo.ts";
import type { Listing } from "./listing.ts";

/**
 * Where a place without coordinates is taken to be: the centroid of a city
 * or of one of its districts (seeded in D1's locations, src/db/locations.ts).
 */
export interface Centroids {
  city(cityId: number): Point | null;
  /** @param district a district name in any spelling that folds alike ("Śródmieście", "srodmiescie") */
  district(cityId: number, district: string): Point | null;
}

/** No centroid known anywhere: radius checks then need the listing's own coordinates. */
export const NO_CENTROIDS: Centroids = { city: () => null, district: () => null };

/** A city users can search in, with what each site needs to be asked about it. */
export interface City {
  id: number;
  slug: string;
  name: string;
  /** OLX's id for the city (what its offers carry); null: not known. */
  olxCityId: number | null;
  olxRegionId: number | null;
  /** The voivodeship, folded ("malopolskie"). */
  region: string | null;
  /** Otodom's location path, where a capture or the older seed gives it (link parsing reads it). */
  otodomPath: string | null;
  lat: number | null;
  lon: number | null;
}

/** A district users can pick, with OLX's id for it where a capture proved one. */
export interface District {
  name: string;
  olxDistrictId: number | null;
  lat: number | null;
  lon: number | null;
}

/** OLX's ids for a city, as its friendly-links API answers (src/searches/olx-friendly-links.ts). */
export interface OlxIds {
  cityId: number;
  regionId: number | null;
}

/**
 * The city a user means, by slug or name in any spelling that folds alike:
 * "Łódź", "lodz", "ŁÓDŹ " all find Łódź. Compared in the isolate, since SQLite
 * cannot fold Polish letters; the city list is small.
 *
 * @example matchCity(cities, "krakow") // { slug: "krakow", name: "Kraków", … }
 * @returns null when no city has that slug or name
 */
export function matchCity(cities: readonly City[], nameOrSlug: string): City | null {
  const wanted = fold(nameOrSlug);
  if (!wanted) return null;
  // Slugs first: "bydgoszcz" is the city, "bydgoszcz_131417" the Pomorskie village of that name.
  return cities.find((c) => fold(c.slug) === wanted) ?? cities.find((c) => fold(c.name) === wanted) ?? null;
}

/** How many cities a reply names: all of them (about 500) would not fit in Telegram's 4096 characters. */
export const NAMED_CITIES = 18;

/**
 * The cities a reply names when it cannot name them all, and how many it
 * leaves out. Lowest ids first: the 0001 seed's cities, Poland's largest,
 * came before OLX's full list (drizzle/0008).
 *
 * @example citiesToName(cities) // { names: ["Warszawa", "Kraków", …], more: 462 }
 */
export function citiesToName(cities: readonly City[], max = NAMED_CITIES): { names: string[]; more: number } {
  const named = [...cities].sort((a, b) => a.id - b.id).slice(0, max);
  return { names: named.map((c) => c.name), more: cities.length - named.length };
}

/** Edits (insert, delete, substitute) between two short strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Cities a typo probably meant: "Krakw" → Kraków, "Wroc" → Wrocław. Closest
 * first; nothing when no city is near.
 */
export function suggestCities(cities: readonly City[], typed: string, max = 3): City[] {
  const wanted = fold(typed);
  if (!wanted) return [];
  return cities
    .map((c) => {
      const name = fold(c.name);
      const distance = name.startsWith(wanted) && wanted.length >= 3 ? 0 : editDistance(wanted, name);
      return { c, distance };
    })
    .filter(({ distance }) => distance <= Math.max(1, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.distance - b.distance || a.c.name.localeCompare(b.c.name, "pl"))
    .slice(0, max)
    .map(({ c }) => c);
}


/**
 * A listing's city among ours, from the listing's own location: by OLX's
 * city id when the site gives one; else by the city's name, folded ("Łódź" =
 * "lodz"), within the listing's voivodeship when the site names it (there are
 * two Bydgoszcz), or anywhere when only one city has that name; never by name
 * to a city of ours whose OLX id differs from the listing's. null: a town we
 * do not know, or one we cannot tell from another. Built once per city
 * list; each call is a map lookup.
 *
 * @example cityResolver(cities)({ city: "Gdańsk", olxCityId: null, region: "pomorskie" }) // Gdańsk's id
 */
export function cityResolver(cities: readonly City[]): (listing: Pick<Listing, "city" | "olxCityId" | "region">) => number | null {
  const byOlxId = new Map<number, number>();
  const olxIdOf = new Map<number, number | null>(cities.map((c) => [c.id, c.olxCityId]));
  const inRegion = new Map<string, number | null>();
  const anywhere = new Map<string, number | null>();
  // A name seen twice is ambiguous (null), whichever came first.
  const add = (map: Map<string, number | null>, key: string, id: number) => map.set(key, map.has(key) ? null : id);
  for (const c of cities) {
    if (c.olxCityId !== null) byOlxId.set(c.olxCityId, c.id);
    const name = fold(c.name);
    add(anywhere, name, c.id);
    if (c.region) add(inRegion, `${name}|${fold(c.region)}`, c.id);
  }
  return (listing) => {
    if (listing.olxCityId !== null) {
      const known = byOlxId.get(listing.olxCityId);
      if (known !== undefined) return known;
    }
    if (!listing.city) return null;
    const name = fold(listing.city);
    // Both sides folded: D1 keeps OLX's "kujawsko-pomorskie", a parser may give "kujawsko pomorskie".
    const found = listing.region ? inRegion.get(`${name}|${fold(listing.region)}`) : anywhere.get(name);
    if (found === undefined || found === null) return null;
    // OLX gives each place its own id: a listing of an id we do not know is in a namesake
    // of our town (Józefów near Warszawa is not Józefów near Biłgoraj), not in it.
    if (listing.olxCityId !== null && byOlxId.size > 0 && olxIdOf.get(found) !== null) return null;
    return found;
  };
}
