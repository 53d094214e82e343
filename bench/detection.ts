/**
 * Detection at the limit (`npm run bench -- --detect`): how long a listing
 * takes from being published to being stored, per site; what the sites saw
 * of the pollers (requests a minute, polls, empty polls) against what the
 * pollers counted themselves (PollerStats, copied to D1's feeds.stats); and
 * where a run stands against the issue's targets. Pure: every input is
 * passed in, so it is tested on hand-built ones (bench/detection.test.ts).
 */
import type { FeedRequests } from "../sim/request-log.ts";
import { distribution, percentile } from "./report.ts";
import type { Published, Source } from "./seed.ts";

const SOURCES: readonly Source[] = ["olx", "otodom"];
const MINUTE = 60_000; // ms
/**
 * A site's poll counted up to this long after a poller's last poll began:
 * the request reaches the site a little after the poll starts, and the next
 * poll is at least 2 s later (src/cron/schedule.ts MIN_POLL_INTERVAL_MS).
 */
const POLL_ARRIVAL_SLACK_MS = 1_000;

/** A `listings` row as detection reads it: its times in D1, ms. */
export interface DetectionListingRow {
  source: string;
  external_id: string;
  published_at: number | null;
  first_seen_at: number;
}

/** A poller's own figures as feeds.stats holds them (the fields of PollerStats read here). */
export interface PollerFigures {
  key: string;
  polls: number;
  emptyPolls: number;
  d1RowsWrittenOnEmptyPolls: number;
  lastPollAt: number | null;
}

/** The targets (ms where a time). */
export const TARGETS = {
  olxDetectP50: 3_000,
  olxDetectP95: 8_000,
  otodomDetectP50: 8_000,
  otodomDetectP95: 20_000,
  olxPublishedToAcceptedP95: 10_000,
} as const;

/** Everything detection reads of a run. */
export interface DetectionInput {
  /** Listings published after the baseline. */
  published: readonly Published[];
  /** D1's listings at the end. */
  listings: readonly DetectionListingRow[];
  /** published → Telegram accepted of each delivered expected notification, ms, by its listing's site. */
  publishedToAccepted: Readonly<Record<Source, readonly number[]>>;
  /** What each fake site counted, by feed key. */
  siteFeeds: Readonly<Record<Source, Readonly<Record<string, FeedRequests>>>>;
  /** The pollers' own figures from feeds.stats; null: D1 has none (no FeedPoller yet). */
  pollers: readonly PollerFigures[] | null;
  /** The window requests a minute are measured over (ms). */
  from: number;
  to: number;
  /** OLX_REQUESTS_PER_MIN and OTODOM_REQUESTS_PER_MIN; null: unknown. */
  budgets: Readonly<Record<Source, number | null>>;
  lost: number;
  duplicates: number;
}

/** p50/p95 of a set of times. */
export interface Spread {
  n: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

/** Polls counted by the sites and by the pollers, per site. */
export interface PollCounts {
  site: Record<Source, number>;
  pollers: Record<Source, number> | null;
  /** Every feed's two counts within one of each other (a poll in flight when the figures were copied); null: no pollers' figures. */
  agree: boolean | null;
}

/** One target and where the run stands. */
export interface TargetCheck {
  target: string;
  value: string;
  /** null: not measured (or no budget known). */
  met: boolean | null;
}

/** Detection's share of the run's JSON. */
export interface DetectionFigures {
  detect_p50_ms: number | null;
  detect_p95_ms: number | null;
  detect_ms_by_source: Record<Source, Spread>;
  /** Listings published after the baseline that D1 never stored, per site. */
  not_stored_by_source: Record<Source, number>;
  published_e2e_by_source: Record<Source, Spread>;
  /** Requests a minute each site got, over the whole minutes of the window: mean and busiest minute. */
  requests_per_min_by_source: Record<Source, number | null>;
  requests_per_min_max_by_source: Record<Source, number | null>;
  polls: PollCounts;
  empty_polls: PollCounts;
  polls_by_feed: Record<string, { site_polls: number; site_empty: number; poller_polls: number | null; poller_empty: number | null }>;
  /** D1 rows the pollers wrote on polls that found nothing, per such poll (PollerStats); null: none counted. */
  d1_rows_written_per_empty_poll: number | null;
  budgets: Record<Source, number | null>;
  targets: TargetCheck[];
}

const spread = (values: readonly number[]): Spread => {
  const d = distribution(values);
  return { n: d.n, p50: d.p50, p95: d.p95, max: d.max };
};

const bySource = <T>(make: (source: Source) => T): Record<Source, T> => ({ olx: make("olx"), otodom: make("otodom") });

const sourceOfKey = (key: string): Source | null => {
  const source = key.split(":")[0];
  return source === "olx" || source === "otodom" ? source : null;
};

/** Detection figures of a run; see the file's comment. */
export function detection(input: DetectionInput): DetectionFigures {
  const stored = new Map(input.listings.map((r) => [`${r.source}:${r.external_id}`, r]));
  const detect = bySource<number[]>(() => []);
  const notStored = bySource(() => 0);
  for (const l of input.published) {
    const row = stored.get(l.key);
    if (!row) notStored[l.source]++;
    // D1's own published_at: what the parser read, not what the fake meant.
    else if (row.published_at !== null) detect[l.source].push(row.first_seen_at - row.published_at);
  }
  const all = [...detect.olx, ...detect.otodom];
  const rates = requestRates(input);
  const { polls, empty, byFeed } = pollCounts(input);
  const pollers = input.pollers;
  const emptyPolls = pollers?.reduce((s, p) => s + p.emptyPolls, 0) ?? 0;
  const figures: DetectionFigures = {
    detect_p50_ms: percentile(all, 50),
    detect_p95_ms: percentile(all, 95),
    detect_ms_by_source: bySource((s) => spread(detect[s])),
    not_stored_by_source: notStored,
    published_e2e_by_source: bySource((s) => spread(input.publishedToAccepted[s])),
    requests_per_min_by_source: rates.mean,
    requests_per_min_max_by_source: rates.max,
    polls,
    empty_polls: empty,
    polls_by_feed: byFeed,
    d1_rows_written_per_empty_poll: pollers && emptyPolls > 0 ? Math.round((pollers.reduce((s, p) => s + p.d1RowsWrittenOnEmptyPolls, 0) / emptyPolls) * 1000) / 1000 : null,
    budgets: { ...input.budgets },
    targets: [],
  };
  figures.targets = targetChecks(figures, input);
  return figures;
}

/** Each site's requests a minute over the whole minutes inside the window, all its feeds together. */
function requestRates(input: DetectionInput): { mean: Record<Source, number | null>; max: Record<Source, number | null> } {
  const first = Math.ceil(input.from / MINUTE) * MINUTE;
  const minutes: number[] = [];
  for (let m = first; m + MINUTE <= input.to; m += MINUTE) minutes.push(m);
  const perMinute = bySource((s) =>
    minutes.map((m) => Object.values(input.siteFeeds[s]).reduce((sum, f) => sum + (f.perMinute[String(m)] ?? 0), 0)),
  );
  return {
    mean: bySource((s) => (minutes.length ? Math.round((perMinute[s].reduce((a, b) => a + b, 0) / minutes.length) * 10) / 10 : null)),
    max: bySource((s) => (minutes.length ? Math.max(...perMinute[s]) : null)),
  };
}

/**
 * Polls and empty polls as the sites counted them and as the pollers did.
 * The pollers' figures were copied at some moment: a site's polls are counted
 * up to that feed's last poll the figures know of, so the two count the same
 * polls but for one in flight.
 */
function pollCounts(input: DetectionInput) {
  const byFeed: DetectionFigures["polls_by_feed"] = {};
  const pollerOf = new Map((input.pollers ?? []).map((p) => [p.key, p]));
  const site = { polls: bySource(() => 0), empty: bySource(() => 0) };
  const poller = { polls: bySource(() => 0), empty: bySource(() => 0) };
  let agree = input.pollers ? true : null;
  const keys = new Set([...SOURCES.flatMap((s) => Object.keys(input.siteFeeds[s])), ...pollerOf.keys()]);
  for (const key of [...keys].sort()) {
    const source = sourceOfKey(key);
    if (!source) continue;
    const p = pollerOf.get(key);
    const upTo = p?.lastPollAt != null ? p.lastPollAt + POLL_ARRIVAL_SLACK_MS : Infinity;
    const log = (input.siteFeeds[source][key]?.pollLog ?? []).filter((e) => e.at <= upTo);
    const sitePolls = log.length;
    const siteEmpty = log.filter((e) => e.empty).length;
    site.polls[source] += sitePolls;
    site.empty[source] += siteEmpty;
    if (p) {
      poller.polls[source] += p.polls;
      poller.empty[source] += p.emptyPolls;
      if (Math.abs(p.polls - sitePolls) > 1 || Math.abs(p.emptyPolls - siteEmpty) > 1) agree = false;
    } else if (input.pollers && sitePolls > 0) {
      // The site was polled for a feed no poller reports.
      agree = false;
    }
    byFeed[key] = { site_polls: sitePolls, site_empty: siteEmpty, poller_polls: p?.polls ?? null, poller_empty: p?.emptyPolls ?? null };
  }
  const has = input.pollers !== null;
  return {
    polls: { site: site.polls, pollers: has ? poller.polls : null, agree } satisfies PollCounts,
    empty: { site: site.empty, pollers: has ? poller.empty : null, agree } satisfies PollCounts,
    byFeed,
  };
}

const seconds = (ms: number | null) => (ms === null ? "not measured" : `${(ms / 1000).toFixed(1)} s`);
const atMost = (value: number | null, goal: number) => (value === null ? null : value <= goal);

/** Where the run stands against each target of the issue. */
function targetChecks(f: DetectionFigures, input: DetectionInput): TargetCheck[] {
  const { olx, otodom } = f.detect_ms_by_source;
  const checks: TargetCheck[] = [
    { target: "OLX detection p50 ≤ 3 s", value: seconds(olx.p50), met: atMost(olx.p50, TARGETS.olxDetectP50) },
    { target: "OLX detection p95 ≤ 8 s", value: seconds(olx.p95), met: atMost(olx.p95, TARGETS.olxDetectP95) },
    { target: "Otodom detection p50 ≤ 8 s", value: seconds(otodom.p50), met: atMost(otodom.p50, TARGETS.otodomDetectP50) },
    { target: "Otodom detection p95 ≤ 20 s", value: seconds(otodom.p95), met: atMost(otodom.p95, TARGETS.otodomDetectP95) },
    {
      target: "OLX published → Telegram accepted p95 ≤ 10 s",
      value: seconds(f.published_e2e_by_source.olx.p95),
      met: atMost(f.published_e2e_by_source.olx.p95, TARGETS.olxPublishedToAcceptedP95),
    },
    {
      target: "D1 rows written per empty poll = 0",
      value: f.d1_rows_written_per_empty_poll === null ? "not measured (no pollers' figures)" : String(f.d1_rows_written_per_empty_poll),
      met: f.d1_rows_written_per_empty_poll === null ? null : f.d1_rows_written_per_empty_poll === 0,
    },
  ];
  for (const source of SOURCES) {
    const budget = input.budgets[source];
    const name = source === "olx" ? "OLX" : "Otodom";
    const mean = f.requests_per_min_by_source[source];
    const max = f.requests_per_min_max_by_source[source];
    const measured = mean === null ? "not measured" : `mean ${mean}, busiest minute ${max}`;
    checks.push(
      budget === null
        ? { target: `${name} requests per minute within its budget`, value: `${measured}; budget unknown`, met: null }
        : { target: `${name} requests per minute ≤ ${budget} (${source.toUpperCase()}_REQUESTS_PER_MIN)`, value: measured, met: max === null ? null : max <= budget },
    );
  }
  checks.push(
    { target: "0 lost", value: String(input.lost), met: input.lost === 0 },
    { target: "0 duplicated", value: String(input.duplicates), met: input.duplicates === 0 },
  );
  return checks;
}

/** The targets as text lines, for the run's output. */
export function targetLines(checks: readonly TargetCheck[]): string[] {
  const width = Math.max(...checks.map((c) => c.target.length));
  return checks.map((c) => `${c.met === null ? "  ?  " : c.met ? " met " : "MISSED"}  ${c.target.padEnd(width)}  ${c.value}`);
}

/** The pollers' figures in feeds.stats JSON texts; null when no row has any (D1 before FeedPoller). Rows that do not read are left out. */
export function pollerFiguresOf(stats: readonly (string | null | undefined)[]): PollerFigures[] | null {
  const out: PollerFigures[] = [];
  for (const text of stats) {
    if (!text) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      continue;
    }
    const v = value as Partial<Record<keyof PollerFigures, unknown>>;
    if (typeof v.key !== "string" || typeof v.polls !== "number" || typeof v.emptyPolls !== "number") continue;
    out.push({
      key: v.key,
      polls: v.polls,
      emptyPolls: v.emptyPolls,
      d1RowsWrittenOnEmptyPolls: typeof v.d1RowsWrittenOnEmptyPolls === "number" ? v.d1RowsWrittenOnEmptyPolls : 0,
      lastPollAt: typeof v.lastPollAt === "number" ? v.lastPollAt : null,
    });
  }
  return out.length ? out : null;
}
