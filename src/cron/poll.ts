import { type ListingInput, findFlatCandidates, upsertListings } from "../db/listings.ts";
import { errorMessage, log } from "../lib/log.ts";
import { recordMetric } from "../lib/metrics.ts";
import type { FeedTarget } from "../model/feed.ts";
import { type FlatCandidate, flatBlockKey, flatBlockKeys, flatKeyFor } from "../model/flat.ts";
import type { Listing } from "../model/listing.ts";
import { dedupKey, type PageFetcher, type SearchPage, readSearchPage } from "../sources/index.ts";
import { enqueueListings } from "./enqueue.ts";
import type { PollerStore } from "./poller-store.ts";

/** Pages one poll reads at most: enough to catch up after a burst or a pause, bounded for the subrequest limit. */
export const MAX_PAGES = 5;
/**
 * More than this share of a page new means more may be behind it: read the
 * next page. A fixed "is the page's last listing known" test fails on OLX,
 * whose pages end (and start) with older promoted ads; at real publication
 * rates a poll finds a listing or two among fifty.
 */
const OVERFLOW_SHARE = 0.5;
/** Clock skew between a site and us that still counts as "published after the baseline". */
const OLD_NEWS_GRACE_MS = 5 * 60_000;

export interface PollDeps {
  feedId: number;
  feed: FeedTarget;
  baseUrl: string;
  fetcher: PageFetcher;
  d1: D1Database;
  queue: Queue;
  store: PollerStore;
  /** Our city id for a listing, from its own location; null: a town we do not know. */
  cityOf: (listing: Listing) => Promise<number | null>;
  /** The first poll: store what is listed now, send nothing. */
  baseline: boolean;
  /** When the feed's baseline was taken: a listing published before it and seen only now is old news. */
  baselineAt: number | null;
  metrics: AnalyticsEngineDataset | undefined;
  clock: () => number;
}

export interface PollResult {
  requests: number;
  /** Listings not seen before, or seen with another title, price or rent. */
  changed: number;
  /** Stored for the first time and queued for the filter. */
  fresh: number;
  /** Nothing new or changed: no D1 write. */
  empty: boolean;
  /** The first page was mostly new, so further pages were read. */
  overflow: boolean;
  d1RowsWritten: number;
  /** first seen - published of the fresh listings that say when they were published, ms. */
  detectionMs: number[];
  unknownCity: number;
}

/** What can change about a listing that is worth a rewrite (and, later, a message). */
export function fingerprint(l: Pick<Listing, "title" | "price" | "rent">): string {
  return `${l.price ?? ""}|${l.rent ?? ""}|${l.title}`;
}

/**
 * One poll of one feed: read its newest page (and the next while they are
 * mostly new), keep only what is new or changed since the poller last looked,
 * store that in D1 in one statement per page, queue the fresh ones page by
 * page (saved before queued), and only then remember them. A crash anywhere
 * loses nothing: what was stored but not queued is swept by the cron; what was
 * not remembered is seen again next poll, and D1's unique key makes it no
 * news. Throws what the first page throws (blocked, format, network).
 */
export async function pollFeed(deps: PollDeps): Promise<PollResult> {
  const result: PollResult = { requests: 0, changed: 0, fresh: 0, empty: true, overflow: false, d1RowsWritten: 0, detectionMs: [], unknownCity: 0 };
  for (let page = 1; page <= MAX_PAGES; page++) {
    let parsed: SearchPage;
    try {
      result.requests++;
      parsed = await readSearchPage(deps.fetcher, deps.feed, deps.baseUrl, page);
    } catch (error) {
      // Page 1 failing fails the poll; a later page failing only ends it early.
      if (page === 1) throw error;
      log.warn("poll_page_failed", { feed: deps.feedId, page, error: errorMessage(error) });
      break;
    }
    reportIssues(deps, page, parsed);
    const changed = await storePage(deps, parsed, result);
    const mostlyNew = parsed.listings.length > 0 && changed > parsed.listings.length * OVERFLOW_SHARE;
    if (deps.baseline || !mostlyNew || !parsed.hasNextPage) break;
    result.overflow = true;
  }
  return result;
}

/** The page's new and changed listings stored, queued, remembered; @returns how many there were */
async function storePage(deps: PollDeps, parsed: SearchPage, result: PollResult): Promise<number> {
  const known = deps.store.fingerprints(parsed.listings.map((l) => l.externalId));
  // A page may list one ad twice (OLX repeats promoted ones): the first counts.
  const unique = [...new Map(parsed.listings.map((l) => [l.externalId, l])).values()];
  // An item that says nowhere (a drifted format lost its location) could never be matched, and once
  // remembered it would never be read again: left for a later page that says where it is.
  const placed = unique.filter((l) => l.city !== null || l.olxCityId !== null);
  if (placed.length < unique.length) {
    recordMetric(deps.metrics, { stage: "parse_issue", source: deps.feed.source, outcome: "no_place", count: unique.length - placed.length });
    log.warn("items_without_place", { feed: deps.feedId, items: unique.length - placed.length, of: unique.length });
  }
  const changed = placed.filter((l) => known.get(l.externalId) !== fingerprint(l));
  if (changed.length === 0) return 0;
  result.empty = false;
  result.changed += changed.length;

  const now = deps.clock();
  const typed = changed.map((l) => ({ ...l, deal: l.deal ?? deps.feed.deal, property: l.property ?? deps.feed.property }));
  // One read for the page: the stored ads that may show the same flats (src/model/flat.ts).
  const candidates: FlatCandidate[] = await findFlatCandidates(deps.d1, typed.flatMap(flatBlockKeys), now);
  const inputs: ListingInput[] = [];
  for (const l of typed) {
    const cityId = await deps.cityOf(l);
    if (cityId === null) result.unknownCity++;
    // The feed's query fixes deal and property when the page does not say (typed, above).
    // An ad published before anybody watched that shows up now (OLX rotates older promoted ads onto
    // its first pages) is stored, not sent: it is not news, whatever its id. publishedAt is the
    // platform's last bump, not firstListedAt: a bumped ad nobody stored yet is news once (its card
    // says when it was first listed); one already stored is no news by its (source, id).
    const old = deps.baselineAt !== null && l.publishedAt !== null && l.publishedAt < deps.baselineAt - OLD_NEWS_GRACE_MS;
    const key = dedupKey(l);
    const flatKey = flatKeyFor({ ...l, dedupKey: key }, candidates);
    const fingerprint = flatBlockKey(l);
    inputs.push({ ...l, dedupKey: key, cityId, fingerprint, flatKey, ...(old ? { notify: false } : {}) });
    // Two ads of one flat on one page: the second joins the first.
    if (fingerprint !== null) candidates.push({ ...l, dedupKey: key, flatKey });
  }
  const { rows, rowsWritten } = await upsertListings(deps.d1, inputs, { feedId: deps.feedId, now, notify: !deps.baseline });
  result.d1RowsWritten += rowsWritten;
  const freshRows = rows.filter((u) => u.fresh);
  const fresh = freshRows.map((u) => u.id);
  const repriced = rows.filter((u) => u.repriced).map((u) => u.id);
  try {
    result.d1RowsWritten += await enqueueListings(deps.queue, deps.d1, deps.feedId, fresh, deps.clock(), repriced);
    result.fresh += fresh.length;
  } catch (error) {
    // Stored but not queued: the cron's sweep sends them.
    log.error("enqueue_failed", { feed: deps.feedId, listings: fresh.length, error: errorMessage(error) });
    recordMetric(deps.metrics, { stage: "enqueue", source: deps.feed.source, outcome: "error", count: fresh.length });
  }
  const freshIds = new Set(freshRows.map((u) => u.externalId));
  for (const l of changed) if (freshIds.has(l.externalId) && l.publishedAt !== null) result.detectionMs.push(now - l.publishedAt);
  deps.store.remember(changed.map((l) => ({ externalId: l.externalId, fingerprint: fingerprint(l) })));
  return changed.length;
}

function reportIssues(deps: PollDeps, page: number, parsed: SearchPage): void {
  for (const [kind, issues] of [
    ["item_error", parsed.errors],
    ["item_warning", parsed.warnings],
  ] as const) {
    if (issues.length === 0) continue;
    recordMetric(deps.metrics, { stage: "parse_issue", source: deps.feed.source, outcome: kind, count: issues.length });
    for (const issue of issues.slice(0, 5)) log.warn(kind, { feed: deps.feedId, page, item: issue.item, message: issue.message });
  }
}
