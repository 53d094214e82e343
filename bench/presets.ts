/**
 * Benchmark presets: the size of the simulated world and how long it runs.
 * `--small` (CI), `--large` and `--soak MINUTES` on a compressed clock;
 * `--detect [--minutes N]` on production's.
 */
import { type FlatEventShares, NO_FLAT_EVENTS } from "../sim/flat-events.ts";

/**
 * What the compressed worlds' feeds carry besides new flats (sim/flat-events.ts): of all
 * publications, 10 % reposts, 5 % cross-posts, 5 % bumps, 5 % price drops of 4-12 % and 3 % of
 * 1-2 %. No capture counts them (a search page shows ads, not their history), so these are
 * round shares of the kinds the issue names, enough to be seen in a run of a minute.
 */
export const FLAT_EVENTS: FlatEventShares = { repost: 0.1, crossPost: 0.05, bump: 0.05, drop: 0.05, smallDrop: 0.03 };

/** The large world's cities (OLX ids and Otodom paths in D1), each with both deals on both sites. */
export const LARGE_CITIES = ["warszawa", "krakow", "wroclaw", "poznan", "gdansk", "lodz", "katowice", "lublin"] as const;

export interface Preset {
  name: string;
  /**
   * small: two feeds (Wrocław rent on OLX, Kraków sale on Otodom); large: LARGE_CITIES × both deals × both
   * sites, plus a burst feed; national: all of Poland at the real daily rates (sim/national.ts), searches in
   * `searchCities` cities.
   */
  world: "small" | "large" | "national";
  /** Telegram users seeded in D1. */
  users: number;
  /** Saved searches per user (each on one of the two feeds the fakes serve). */
  searchesPerUser: number;
  /** New listings per minute on each fake site once the baseline is taken (spread evenly over its feeds). */
  perMinutePerSite: number;
  /** Large world: searches per steady feed whose price range meets the published prices (see makeLargeWorld). */
  liveSearchesPerFeed: number;
  /** Users whose search the burst listing matches (0: no burst). */
  burstUsers: number;
  /** How long the fakes publish (ms). */
  publishMs: number;
  /** Listings each site already has before the run (the feeds' baseline: stored, never sent). */
  initialPerSite: number;
  /** FEED_INTERVAL_S: a feed's fetch interval (s); the compressed stand-in for production's 60 s. */
  feedIntervalS: number;
  /** Longest wait for the pipeline to drain after publication stops (ms). */
  drainTimeoutMs: number;
  /** Drained: every expected message arrived and nothing more came for this long (ms). */
  quietMs: number;
  /** Longest wait for wrangler dev to answer (ms). */
  startupTimeoutMs: number;
  /** Longest wait for both feeds' first (baseline) fetch (ms). */
  baselineTimeoutMs: number;
  /** How often the bench fires the cron (ms). */
  cronEveryMs: number;
  /** National world: the cities users search in (the heaviest ones D1 knows). */
  searchCities: number;
  /** National world: hours of listings the sites have before the run. */
  historyHours: number;
  /** Reposts, cross-posts, bumps and price drops among the compressed worlds' publications (the national fakes publish new flats only). */
  flatEvents: FlatEventShares;
}

export const PRESETS: Record<string, Preset> = {
  small: {
    name: "small",
    world: "small",
    users: 20,
    searchesPerUser: 2,
    perMinutePerSite: 30,
    liveSearchesPerFeed: 0,
    burstUsers: 0,
    publishMs: 60_000,
    initialPerSite: 10,
    feedIntervalS: 3,
    drainTimeoutMs: 30_000,
    quietMs: 3_000,
    startupTimeoutMs: 45_000,
    baselineTimeoutMs: 20_000,
    cronEveryMs: 50_000,
    searchCities: 0,
    historyHours: 0,
    flatEvents: FLAT_EVENTS,
  },
  /**
   * The large world: 10 000 users, 50 000 searches, 2 000 new listings
   * an hour on a clock compressed 12× (an hour in 5 minutes: 200 a minute on
   * each site), and mid-run one listing that matches 2 000 users at once.
   * FEED_INTERVAL_S 5 is production's 60 s compressed the same way (feeds with
   * 25+ subscribers are fetched every 2 s, production's 20 s).
   */
  large: {
    name: "large",
    world: "large",
    users: 10_000,
    searchesPerUser: 5,
    perMinutePerSite: 200,
    liveSearchesPerFeed: 8,
    burstUsers: 2_000,
    publishMs: 300_000,
    initialPerSite: 10,
    feedIntervalS: 5,
    drainTimeoutMs: 240_000,
    quietMs: 5_000,
    startupTimeoutMs: 60_000,
    baselineTimeoutMs: 60_000,
    cronEveryMs: 50_000,
    searchCities: 0,
    historyHours: 0,
    flatEvents: FLAT_EVENTS,
  },
};

/**
 * `--soak MINUTES`: the small world under the same steady load for longer,
 * to see drift (a backlog or latency that grows) rather than a number.
 */
export function soakPreset(minutes: number): Preset {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 240) throw new Error(`--soak takes whole minutes from 1 to 240, got ${minutes}`);
  return { ...(PRESETS.small as Preset), name: "soak", publishMs: minutes * 60_000, drainTimeoutMs: 60_000 };
}

/**
 * `--detect [--minutes N]`: detection at the limit, on production's clock.
 * The national fakes publish at the real daily rates (3 000 OLX and 2 000
 * Otodom flats a day across Poland, sim/national.ts) for N minutes (default
 * 10) over a six-hour stock; 1 000 users have two searches each in the 100
 * heaviest cities; the cron fires once a minute, as Cloudflare fires it.
 * FEED_INTERVAL_S 60 is production's: the run's window is production time
 * (the cost estimate scales it by 1).
 */
export function detectPreset(minutes = 10): Preset {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 240) throw new Error(`--minutes takes whole minutes from 1 to 240, got ${minutes}`);
  return {
    name: "detect",
    world: "national",
    users: 1_000,
    searchesPerUser: 2,
    perMinutePerSite: 0,
    liveSearchesPerFeed: 0,
    burstUsers: 0,
    publishMs: minutes * 60_000,
    initialPerSite: 0,
    feedIntervalS: 60,
    drainTimeoutMs: 60_000,
    quietMs: 3_000,
    startupTimeoutMs: 60_000,
    baselineTimeoutMs: 120_000,
    cronEveryMs: 60_000,
    searchCities: 100,
    historyHours: 6,
    flatEvents: NO_FLAT_EVENTS,
  };
}
