/**
 * Fake OLX and Otodom for all of Poland (`npm run bench -- --detect`): the
 * fakes of sim/fake-olx.ts and sim/fake-otodom.ts, publishing in every town of
 * sim/cities.ts by its weight, at the national daily rates, at random times
 * (a Poisson process on whole seconds), on the real clock. Web-standard like
 * the fakes themselves: the captures are passed in (sim/world.ts reads them
 * for Node; tests import them).
 */
import { type NationalCity, weightedPicker } from "./cities.ts";
import { createFakeOlx, type FakeOlx, type OlxTarget } from "./fake-olx.ts";
import { createFakeOtodom, type FakeOtodom, type OtodomTarget } from "./fake-otodom.ts";
import { poissonArrivals, prng } from "./random.ts";

/** Ids move on with the clock (100 a second), so a run against a local D1 kept from an earlier run publishes ids that D1 has never stored: new is new. */
export const idOffsetAt = (now: number) => (Math.floor(now / 1000) % 5_000_000) * 100;

/** How much one site publishes nationally. */
export interface SiteRate {
  /** New flats a day across Poland. */
  perDay: number;
  /** Of them, for sale (the rest to rent). */
  saleShare: number;
}

/**
 * The national rates. OLX: about 3 000 new flats a day, Otodom about 2 000
 * (the figures). Sale and rent split 55/45 on both: OLX's own count of
 * the flats it listed nationally (facets of the 2023 all-Poland page: 32 675
 * for sale, 27 152 to rent). That is a count of what is listed, not of what is
 * new, and no capture shows Otodom's national split, so both are estimates.
 * A day's average rate, flat: no busier afternoons.
 */
export const NATIONAL_RATES: Readonly<Record<"olx" | "otodom", SiteRate>> = {
  olx: { perDay: 3_000, saleShare: 0.55 },
  otodom: { perDay: 2_000, saleShare: 0.55 },
};

/** OLX ads that are Otodom cross-posts (partner otodom_pl): 29 of the 52 on the 2023 all-Poland page. */
export const OLX_CROSS_POST_SHARE = 0.55;
/** OLX ads with a TOP promotion: 2 of the 40 organic ones on the 2023 all-Poland page. */
export const OLX_PROMOTED_SHARE = 0.05;
/** Otodom ids of the cross-posted ads start here: far above the fake Otodom's own, so no ad is on both fakes. */
const CROSS_POST_FIRST_ID = 3_000_000_000;

/** The real captures the national fakes are built from (parsed), as sim/world.ts reads them. */
export interface NationalCaptures {
  /** The 2026 olx.pl answer (api-offers-mieszkania-sprzedaz-gdansk-2026.json). */
  olxEnvelope: unknown;
  /** OLX offer templates: the 2023 Wrocław rental and the 2026 Gdańsk sale. */
  olxOffers: readonly unknown[];
  /** The 2026 Kraków search page's __NEXT_DATA__. */
  nextData: unknown;
  /** More Otodom items: the 2026 Gdańsk sale and Poznań rental items. */
  extraItems: readonly unknown[];
}

/** The captures as the fixtures hold them, put the way the fakes take them (an answer's offer becomes a template). */
export function nationalCaptures(files: {
  /** api-offers-mieszkania-sprzedaz-gdansk-2026.json */
  olxAnswer2026: unknown;
  /** api-offer-mieszkania-wroclaw-2023.json */
  olxRental2023: unknown;
  /** search-sell-flat-krakow-2026.json */
  otodomPage2026: unknown;
  /** search-item-sell-gdansk-2026.json, search-rent-flat-poznan-2026-item.json */
  otodomItems2026: readonly unknown[];
}): NationalCaptures {
  const data = (files.olxAnswer2026 as { data?: unknown }).data;
  if (!Array.isArray(data) || data.length === 0) throw new Error("the 2026 OLX answer has no offer");
  return {
    olxEnvelope: files.olxAnswer2026,
    // The rental first: a listing published without a category is a rental (npm start's demo search).
    olxOffers: [files.olxRental2023, data[0]],
    nextData: files.otodomPage2026,
    extraItems: files.otodomItems2026,
  };
}

/** Options of {@link createNationalSites}. */
export interface NationalSitesOptions {
  captures: NationalCaptures;
  /** Where listings go, by weight (loadNationalCities()). */
  cities: readonly NationalCity[];
  /** ms since epoch: the sites' stock was published before it. */
  now: number;
  /** Hours of publication, at the national rates, the sites list before `now` (their stock: what a baseline sees, the promoted pool). */
  historyHours: number;
  seed: number;
  rates?: Readonly<Record<"olx" | "otodom", SiteRate>>;
  /** fake OLX's promotedRotateMs (0: the promoted ads a page shows stay put). */
  promotedRotateMs?: number;
  /** The fakes' clock (default Date.now): what a request is answered as of. */
  clock?: () => number;
}

/** The national fakes and the one control they add: publishing from now on. */
export interface NationalSites {
  olx: FakeOlx;
  otodom: FakeOtodom;
  /** Both sites publish at their national rates from `from` until `until` (ms), on the real clock. */
  publish(from: number, until: number): void;
}

/**
 * Fake OLX and Otodom for all of Poland: every listing in one of the towns,
 * chosen by weight, at random times at the national rates (Poisson, whole
 * seconds); OLX ads partly Otodom cross-posts, and the stock's older ads
 * partly promoted (the promoted places of OLX's pages). The stock of
 * `historyHours` is listed at once; `publish` starts the rest.
 */
export function createNationalSites(o: NationalSitesOptions): NationalSites {
  const rates = o.rates ?? NATIONAL_RATES;
  const idOffset = idOffsetAt(o.now);
  const { captures } = o;
  const olx = createFakeOlx({ offers: captures.olxOffers, envelope: captures.olxEnvelope, now: o.now, firstId: 1_000_000_000 + idOffset, promotedRotateMs: o.promotedRotateMs ?? 0, ...clockOf(o) });
  const otodom = createFakeOtodom({ nextData: captures.nextData, extraItems: captures.extraItems, now: o.now, firstId: 100_000_000 + idOffset, ...clockOf(o) });
  const pick = weightedPicker(o.cities, (c) => c.weight);
  let crossPosts = CROSS_POST_FIRST_ID + idOffset;
  const olxTarget = (promotedShare: number) => (random: () => number): Partial<OlxTarget> => {
    const city = pick(random);
    const sale = random() < rates.olx.saleShare;
    // Somewhere in the town: OLX's map shows the ad's place, not the town's centre.
    const kmLat = 1 / 111;
    const lat = city.lat + (random() - 0.5) * city.radiusKm * kmLat;
    const lon = city.lon + ((random() - 0.5) * city.radiusKm * kmLat) / Math.cos((city.lat * Math.PI) / 180);
    return {
      categoryId: sale ? 14 : 15,
      cityId: city.olxId,
      cityName: city.name,
      citySlug: city.olxSlug,
      regionId: city.regionId,
      // OLX capitalises it: "Dolnośląskie".
      regionName: city.regionName.charAt(0).toUpperCase() + city.regionName.slice(1),
      regionSlug: city.regionSlug,
      districtName: null,
      lat: Math.round(lat * 1e6) / 1e6,
      lon: Math.round(lon * 1e6) / 1e6,
      promoted: random() < promotedShare,
      otodomId: random() < OLX_CROSS_POST_SHARE ? crossPosts++ : null,
    };
  };
  const otodomTarget = (random: () => number): Partial<OtodomTarget> => {
    const city = pick(random);
    const sale = random() < rates.otodom.saleShare;
    return { deal: sale ? "sprzedaz" : "wynajem", estate: "mieszkanie", path: city.otodomPath, cityName: city.name, regionName: city.regionName };
  };
  const arrivals = <T>(site: "olx" | "otodom", stream: number, from: number, until: number, target: (random: () => number) => Partial<T>) =>
    poissonArrivals<T>({ perDay: rates[site].perDay, from, until, random: prng(o.seed * 7919 + stream), target });

  // The stock: promoted ads are among it (the live ones bought nothing yet), listed before anyone asks.
  const from = o.now - o.historyHours * 3_600_000;
  olx.schedule(arrivals("olx", 1, from, o.now, olxTarget(OLX_PROMOTED_SHARE)));
  otodom.schedule(arrivals("otodom", 2, from, o.now, otodomTarget));
  olx.advance(o.now);
  otodom.advance(o.now);
  return {
    olx,
    otodom,
    publish(start, until) {
      olx.schedule(arrivals("olx", 3, start, until, olxTarget(0)));
      otodom.schedule(arrivals("otodom", 4, start, until, otodomTarget));
    },
  };
}

const clockOf = (o: Pick<NationalSitesOptions, "clock">) => (o.clock ? { clock: o.clock } : {});
