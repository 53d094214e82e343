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

/**
 * What a feed's poller counts (FeedPoller.stats(); copied to feeds.stats
 * once a minute for /admin and the benchmark). Counters run from `since`.
 */
export interface PollerStats {
  key: string;
  since: number;
  /** Polls: first-page requests. */
  polls: number;
  /** Polls that found nothing new or changed. */
  emptyPolls: number;
  /** Every request, further pages included. */
  requests: number;
  /** Polls whose first page was all new, so further pages were read. */
  overflows: number;
  newListings: number;
  /** D1 rows the poller wrote, and of those the ones written by empty polls (should stay 0). */
  d1RowsWritten: number;
  d1RowsWrittenOnEmptyPolls: number;
  /** first_seen - published of the listings it found, as a running sum and maximum, ms. */
  detectionMsSum: number;
  detectionMsMax: number;
  /** The pause before the next poll as it stands, and the budget share it comes from. */
  intervalMs: number;
  sharePerMin: number;
  lastPollAt: number | null;
  lastSuccessAt: number | null;
  consecutiveFailures: number;
  lastError: string | null;
  blockedUntil: number | null;
}
