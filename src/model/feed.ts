import { z } from "zod";
import { FETCHER_NAMES, type FetcherName } from "../lib/config.ts";
import type { Deal, Property, Source } from "./listing.ts";

/**
 * A region a national feed is split to: the voivodeship, folded as both
 * sites spell it ("dolnoslaskie"), and OLX's id for it.
 */
export interface FeedRegion {
  slug: string;
  olxRegionId: number | null;
}

/**
 * What one request reads: one site's newest-first search for one deal and
 * property, over the whole of Poland (region null) or one voivodeship.
 * Cities are not part of it: the filter reads a listing's city from the
 * listing itself.
 */
export interface FeedTarget {
  source: Source;
  deal: Deal;
  property: Property;
  region: FeedRegion | null;
}

/** The feed's key: one poller per key ("olx:rent:flat:pl", "otodom:sale:flat:mazowieckie"). */
export function feedKey(feed: Pick<FeedTarget, "source" | "deal" | "property"> & { region: { slug: string } | null }): string {
  return `${feed.source}:${feed.deal}:${feed.property}:${feed.region?.slug ?? "pl"}`;
}

const count = z.number().nonnegative();
const time = z.number().nullable();

/**
 * What a feed's poller counts (FeedPoller.stats(); copied to feeds.stats
 * once a minute for /admin and the benchmark). Counters run from `since`.
 * A schema, since D1 hands the copy back as JSON.
 */
export const pollerStatsSchema = z.object({
  key: z.string(),
  since: z.number(),
  /** Polls: first-page requests. */
  polls: count,
  /** Polls that found nothing new or changed. */
  emptyPolls: count,
  /** Every request, further pages included. */
  requests: count,
  /** Polls whose first page was mostly new, so further pages were read. */
  overflows: count,
  newListings: count,
  /** New or changed listings in a town we do not know: stored, matched to nothing. */
  unknownCity: count.default(0),
  /** D1 rows the poller wrote, and of those the ones written by empty polls (should stay 0). */
  d1RowsWritten: count,
  d1RowsWrittenOnEmptyPolls: count,
  /** first_seen - published of the listings it found, as a running sum and maximum, ms. */
  detectionMsSum: z.number(),
  detectionMsMax: z.number(),
  /** The pause before the next poll as it stands, and the budget share it comes from. */
  intervalMs: count,
  sharePerMin: count,
  lastPollAt: time,
  lastSuccessAt: time,
  consecutiveFailures: count,
  lastError: z.string().nullable(),
  blockedUntil: time,
  /** The fetcher the next poll uses (src/cron/fetcher-ladder.ts). */
  fetcher: z.enum(FETCHER_NAMES).default("direct"),
  /** Polls the site refused (403, 429, an anti-bot page), whatever the fetcher: over `polls`, the block rate. */
  blocks: count.default(0),
});
export type PollerStats = z.infer<typeof pollerStatsSchema>;

/** What the reconciler tells a poller: which feed it polls and how much of its site's budget it may spend. */
export interface PollerConfig {
  /** feeds.id in D1: listings remember which feed found them, the queue message names it. */
  feedId: number;
  feed: FeedTarget;
  sharePerMin: number;
  /** The site's fetchers in order (fetcherChain); absent (a config stored before there were several): direct. */
  fetchers?: FetcherName[];
}
