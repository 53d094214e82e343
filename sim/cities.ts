/**
 * Poland's towns as the national fakes publish in them: OLX's own 480 towns
 * and 16 voivodeships (data/olx-cities.json, passed in parsed: the fakes read
 * no files), each with what both sites write about a listing's place and a
 * weight for how many listings it gets.
 *
 * The weight is Zipf-like by rank, 1 / rank^0.9. olx-cities.json has no
 * population, so the rank is: first the 40 biggest cities by population
 * (BIGGEST, public figures, order only), then the other towns by OLX's own map
 * radius for them (a rough size proxy: OLX draws a bigger circle round a
 * bigger town; ties alphabetical). The exponent is the one of 0.8, 0.9, 1.0
 * and 1.1 whose voivodeship totals come nearest OLX's own national counts of
 * flats per voivodeship (the facets of the 2023 all-Poland page,
 * test/fixtures/olx/page-mieszkania-all-poland-2023.html: total variation
 * 0.078, against 0.084 for 1.0). It gives Warszawa 11 % of the listings,
 * Kraków 6 %, the top 100 towns 70 %, and the smallest towns about one a day
 * at 3 000 a day.
 */
import { fold } from "../src/lib/fold.ts";

/** A town the fakes publish in, with both sites' names for where it is. */
export interface NationalCity {
  /** OLX's slug for it (the key in olx-cities.json, its `normalized_name`). */
  olxSlug: string;
  /** OLX's city id (the API's city_id). */
  olxId: number;
  name: string;
  /** OLX's voivodeship id (region_id). */
  regionId: number;
  /** The voivodeship folded, as both sites spell it in URLs: "dolnoslaskie". */
  regionSlug: string;
  /** The voivodeship as Otodom writes it: "dolnośląskie" (OLX capitalises it: "Dolnośląskie"). */
  regionName: string;
  lat: number;
  lon: number;
  /** OLX's map radius for the town, km. */
  radiusKm: number;
  /**
   * Otodom's location id: voivodeship/county/commune/town, as the 2026
   * captures show for cities with county rights ("malopolskie/krakow/krakow/krakow");
   * for other towns the same pattern with their county, inferred, not captured.
   */
  otodomPath: string;
  /** Share of all listings published here (the weights add up to 1). */
  weight: number;
}

/** Voivodeships by their folded slug, as Otodom writes them (province.name). */
const VOIVODESHIPS: Readonly<Record<string, string>> = {
  dolnoslaskie: "dolnośląskie",
  "kujawsko-pomorskie": "kujawsko-pomorskie",
  lubelskie: "lubelskie",
  lubuskie: "lubuskie",
  lodzkie: "łódzkie",
  malopolskie: "małopolskie",
  mazowieckie: "mazowieckie",
  opolskie: "opolskie",
  podkarpackie: "podkarpackie",
  podlaskie: "podlaskie",
  pomorskie: "pomorskie",
  slaskie: "śląskie",
  swietokrzyskie: "świętokrzyskie",
  "warminsko-mazurskie": "warmińsko-mazurskie",
  wielkopolskie: "wielkopolskie",
  zachodniopomorskie: "zachodniopomorskie",
};

/**
 * A voivodeship as Otodom writes it ("małopolskie"), from its slug as either
 * site writes it in a path ("malopolskie", "kujawsko--pomorskie"); null: not one.
 */
export function voivodeshipName(slug: string): string | null {
  return VOIVODESHIPS[slug.replace(/--/g, "-")] ?? null;
}

/** The 40 biggest cities by population (OLX slugs), biggest first: the head of the ranking. */
export const BIGGEST = [
  "warszawa", "krakow", "wroclaw", "lodz", "poznan", "gdansk", "szczecin", "bydgoszcz", "lublin", "bialystok",
  "katowice", "gdynia", "czestochowa", "radom", "rzeszow", "torun", "sosnowiec", "kielce", "gliwice", "olsztyn",
  "zabrze", "bielsko-biala", "bytom", "zielonagora", "rybnik", "ruda-slaska", "opole", "tychy", "gorzow", "elblag",
  "plock", "dabrowa-gornicza", "walbrzych", "wloclawek", "tarnow", "chorzow", "koszalin", "kalisz", "legnica", "grudziadz",
] as const;

/** The exponent of the rank weight (see the file's comment for why 0.9). */
export const ZIPF_EXPONENT = 0.9;

interface OlxCityEntry {
  id: number;
  name: string;
  county: string;
  longitude: number;
  latitude: number;
  radius: number;
  "region-id": number;
  "region-normalized_name": string;
}

function isCityEntry(value: unknown): value is OlxCityEntry {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<Record<keyof OlxCityEntry, unknown>>;
  return typeof v.id === "number" && typeof v.name === "string" && typeof v.county === "string" && typeof v["region-normalized_name"] === "string";
}

/** A name as an Otodom location id segment: folded, words joined by "-", a hyphen of the name doubled ("kujawsko--pomorskie"). */
export function otodomSegment(name: string): string {
  return name
    .split("-")
    .map((part) => fold(part).replace(/ /g, "-"))
    .join("--");
}

/**
 * The towns of olx-cities.json (its 16 voivodeship entries left out), ranked
 * and weighted as the file's comment says, biggest first.
 *
 * @param olxCities data/olx-cities.json, parsed
 * @example nationalCities(json)[0] // { olxSlug: "warszawa", olxId: 17871, regionSlug: "mazowieckie", weight: 0.11, … }
 */
export function nationalCities(olxCities: unknown): NationalCity[] {
  if (typeof olxCities !== "object" || olxCities === null) throw new Error("olx-cities.json must be an object");
  const entries = Object.entries(olxCities).filter((e): e is [string, OlxCityEntry] => isCityEntry(e[1]));
  const head = new Map<string, number>(BIGGEST.map((slug, i) => [slug, i]));
  const ranked = entries.sort(([a, x], [b, y]) => {
    const [ha, hb] = [head.get(a), head.get(b)];
    if (ha !== undefined || hb !== undefined) return (ha ?? Infinity) - (hb ?? Infinity);
    return y.radius - x.radius || x.name.localeCompare(y.name, "pl");
  });
  const raw = ranked.map((_, i) => 1 / (i + 1) ** ZIPF_EXPONENT);
  const total = raw.reduce((s, w) => s + w, 0);
  return ranked.map(([slug, c], i) => {
    const regionSlug = c["region-normalized_name"];
    const regionName = VOIVODESHIPS[regionSlug];
    if (!regionName) throw new Error(`olx-cities.json: unknown voivodeship ${regionSlug} for ${slug}`);
    const town = otodomSegment(c.name);
    return {
      olxSlug: slug,
      olxId: c.id,
      name: c.name,
      regionId: c["region-id"],
      regionSlug,
      regionName,
      lat: c.latitude,
      lon: c.longitude,
      radiusKm: c.radius,
      otodomPath: `${otodomSegment(regionSlug)}/${otodomSegment(c.county)}/${town}/${town}`,
      weight: (raw[i] as number) / total,
    };
  });
}

/**
 * A sampler of items by weight: `random` in [0, 1) → an item, each as often as
 * its share of the total weight (cumulative weights, binary search).
 */
export function weightedPicker<T>(items: readonly T[], weightOf: (item: T) => number): (random: () => number) => T {
  if (items.length === 0) throw new Error("weightedPicker needs at least one item");
  const cumulative: number[] = [];
  let sum = 0;
  for (const item of items) cumulative.push((sum += weightOf(item)));
  return (random) => {
    const x = random() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return items[lo] as T;
  };
}
