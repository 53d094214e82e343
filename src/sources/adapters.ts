import type { Source } from "../model/listing.ts";
import type { FeedTarget } from "../model/feed.ts";
import type { SearchPage, SourceAdapter } from "./adapter.ts";
import { fetchPage, type PageFetcher } from "./fetch-page.ts";
import { olxAdapter } from "./olx/adapter.ts";
import { otodomAdapter } from "./otodom/adapter.ts";

/** The adapter of each source. */
export const adapters: Record<Source, SourceAdapter> = {
  olx: olxAdapter,
  otodom: otodomAdapter,
};

/**
 * Reads page `page` (1-based) of a feed the one way the parser stage does:
 * the source's request, through `fetcher`, judged by fetchPage, read by the
 * source's parser.
 *
 * @throws UnsupportedFeedError when the source cannot express the feed;
 *   PageError("blocked") for a block, Error for another non-2xx answer, PageError("format") for an unreadable page
 */
export async function readSearchPage(fetcher: PageFetcher, feed: FeedTarget, baseUrl: string, page: number): Promise<SearchPage> {
  const adapter = adapters[feed.source];
  const response = await fetchPage(fetcher, adapter.searchRequest(feed, baseUrl, page));
  return adapter.parseSearch(response);
}
