/**
 * Where the fakes publish a benchmark feed's listings, and at what prices:
 * the feed's city as D1's locations table has it (OLX city and region ids,
 * Otodom's location path: the same rows the Worker reads), turned into the
 * fake sites' targets.
 */
import { type NationalCity, voivodeshipName } from "../sim/cities.ts";
import type { OlxTarget } from "../sim/fake-olx.ts";
import type { OtodomTarget } from "../sim/fake-otodom.ts";
import { createFakeSites } from "../sim/world.ts";
import { type BenchFeed, cityLookup, feedKeyOf, publishedOlx, publishedOtodom } from "./seed.ts";

/** A city row of D1's locations table. */
export interface CityRow {
  slug: string;
  name: string;
  olx_city_id: number | null;
  olx_region_id: number | null;
  otodom_path: string | null;
  /** The voivodeship, folded ("malopolskie"); null where D1 does not say. */
  region: string | null;
  lat: number;
  lon: number;
}

export type FeedTarget = { site: "olx"; target: Partial<OlxTarget> } | { site: "otodom"; target: Partial<OtodomTarget> };

/** The fake site and target a feed's listings are published under; throws for a city the site can't be asked about. */
export function targetOf(feed: BenchFeed, cities: ReadonlyMap<string, CityRow>): FeedTarget {
  const city = cities.get(feed.city);
  if (!city) throw new Error(`no city ${feed.city} in D1's locations`);
  if (feed.source === "olx") {
    if (city.olx_city_id === null) throw new Error(`${city.slug} has no OLX city id: its OLX feed would never be fetched`);
    return {
      site: "olx",
      target: {
        categoryId: feed.deal === "sale" ? 14 : 15,
        cityId: city.olx_city_id,
        cityName: city.name,
        regionId: city.olx_region_id,
        regionSlug: city.region,
        regionName: city.region ? capitalised(voivodeshipName(city.region) ?? city.region) : null,
        // The template's district belongs to its own city only.
        districtName: null,
        lat: city.lat,
        lon: city.lon,
      },
    };
  }
  if (city.otodom_path === null) throw new Error(`${city.slug} has no Otodom path`);
  return { site: "otodom", target: { deal: feed.deal === "sale" ? "sprzedaz" : "wynajem", estate: "mieszkanie", path: city.otodom_path, cityName: city.name } };
}

/** OLX names a voivodeship with a capital: "Małopolskie". */
const capitalised = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The prices each feed's listings come out at, ascending, with repeats as
 * often as they occur: `n` listings published on a throwaway pair of fakes
 * built like the run's. Only shapes the world (which searches can match);
 * what is expected is computed from what the run's fakes actually publish.
 */
export function samplePrices(feeds: readonly BenchFeed[], cities: ReadonlyMap<string, CityRow>, n = 220): Map<string, number[]> {
  // Only the prices are read: where a listing is does not matter here.
  const noCity = cityLookup([]);
  const out = new Map<string, number[]>();
  for (const feed of feeds) {
    const { olx, otodom } = createFakeSites({ initial: 0, now: 0 });
    const where = targetOf(feed, cities);
    const prices =
      where.site === "olx"
        ? olx.publish(n, 0, where.target).map((_, i) => publishedOlx(olx.listings[i] as (typeof olx.listings)[number], noCity).price)
        : otodom.publish(n, 0, where.target).map((_, i) => publishedOtodom(otodom.listings[i] as (typeof otodom.listings)[number], noCity).price);
    out.set(feedKeyOf(feed), prices.filter((p): p is number => p !== null).sort((a, b) => a - b));
  }
  return out;
}

/**
 * The cities the national world's users search in: the `count` heaviest
 * towns the fakes publish in (sim/cities.ts) that D1 has (by OLX's city id,
 * else by a name no other D1 city has), as D1 slugs with the towns' weights.
 * Fewer when D1 knows fewer.
 */
export function searchCities(towns: readonly NationalCity[], cities: ReadonlyMap<string, CityRow>, count: number): { slug: string; name: string; weight: number }[] {
  const lookup = cityLookup(cities.values());
  const out: { slug: string; name: string; weight: number }[] = [];
  const taken = new Set<string>();
  for (const town of towns) {
    if (out.length >= count) break;
    const slug = lookup.olx(town.olxId, town.name);
    if (slug === null || taken.has(slug)) continue;
    taken.add(slug);
    out.push({ slug, name: town.name, weight: town.weight });
  }
  return out;
}
