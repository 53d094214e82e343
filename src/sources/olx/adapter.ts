import { assertPage, type SearchPage, type SourceAdapter, UnsupportedFeedError } from "../adapter.ts";
import type { FeedTarget } from "../../model/feed.ts";
import { olxCategoryId } from "./category.ts";
import { parseOlxApiResponse } from "./search-response.ts";

/** Offers per page; the API allows up to 50 and adds promoted offers on top. */
export const OLX_PAGE_SIZE = 40;

/**
 * OLX through its JSON API, `GET /api/v1/offers`, newest first, for the whole
 * country or one region: the query of the real 2026 answer's `links.self`
 * (test/fixtures/olx/api-offers-mieszkania-sprzedaz-gdansk-2026.json) without
 * its city. Pages step by `limit - 1`, as that answer's `links.next` does
 * (offset=39 for limit=40): a page holds 39 organic offers with the promoted
 * ones among them. Should OLX step by the full limit after all, one offer per
 * page boundary is read twice, which the poller's seen set absorbs.
 */
export const olxAdapter: SourceAdapter = {
  source: "olx",
  searchRequest(feed: FeedTarget, baseUrl: string, page: number): Request {
    assertPage(page);
    const category = olxCategoryId(feed.deal, feed.property);
    if (category === null) throw new UnsupportedFeedError(`OLX category for ${feed.deal} ${feed.property} is not known`);
    if (feed.region && feed.region.olxRegionId === null) throw new UnsupportedFeedError(`region ${feed.region.slug} has no OLX region id`);
    const url = new URL("/api/v1/offers", baseUrl);
    url.searchParams.set("offset", String((page - 1) * (OLX_PAGE_SIZE - 1)));
    url.searchParams.set("limit", String(OLX_PAGE_SIZE));
    url.searchParams.set("category_id", String(category));
    if (feed.region) url.searchParams.set("region_id", String(feed.region.olxRegionId));
    url.searchParams.set("sort_by", "created_at:desc");
    return new Request(url, { headers: { Accept: "application/json" } });
  },
  supports(feed) {
    return olxCategoryId(feed.deal, feed.property) !== null;
  },
  async parseSearch(response: Response): Promise<SearchPage> {
    return parseOlxApiResponse(response);
  },
};
