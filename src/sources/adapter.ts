import type { FeedTarget } from "../model/feed.ts";
import type { Source } from "../model/listing.ts";
import type { ParseResult } from "./parse-result.ts";

/** One page of a feed, read. */
export interface SearchPage extends ParseResult {
  hasNextPage: boolean;
}

/** One site behind one shape: how to ask for a feed's newest page, and how to read the answer. */
export interface SourceAdapter {
  readonly source: Source;
  /** Request for page `page` (1-based) of the feed's newest listings, on baseUrl (scheme+host, e.g. env.OLX_BASE_URL). Throws UnsupportedFeedError if the feed cannot be expressed (a region without its OLX id). */
  searchRequest(feed: FeedTarget, baseUrl: string, page: number): Request;
  /** Whether the site has a search for this feed at all (OLX: flats only). */
  supports(feed: Pick<FeedTarget, "deal" | "property">): boolean;
  /** Reads one page that fetchPage passed (2xx, not a block). Throws PageError("format") when the page itself can't be read. */
  parseSearch(response: Response): Promise<SearchPage>;
}

/** A feed this source cannot search for (no ids for the city, a property it has no category for). */
export class UnsupportedFeedError extends Error {
  override readonly name = "UnsupportedFeedError";
}

export function assertPage(page: number): void {
  if (!Number.isInteger(page) || page < 1) throw new RangeError(`page must be a 1-based integer, got ${page}`);
}
