/**
 * Benchmark presets: the size of the simulated world and how long it runs.
 * `--small` (CI) and `--soak MINUTES`; `--large` (issue 8) is still to come.
 */

export interface Preset {
  name: string;
  /** Telegram users seeded in D1. */
  users: number;
  /** Saved searches per user (each on one of the two feeds the fakes serve). */
  searchesPerUser: number;
  /** New listings per minute on each fake site once the baseline is taken. */
  perMinutePerSite: number;
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
}

export const PRESETS: Record<string, Preset> = {
  small: {
    name: "small",
    users: 20,
    searchesPerUser: 2,
    perMinutePerSite: 30,
    publishMs: 60_000,
    initialPerSite: 10,
    feedIntervalS: 3,
    drainTimeoutMs: 30_000,
    quietMs: 3_000,
    startupTimeoutMs: 45_000,
    baselineTimeoutMs: 20_000,
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
