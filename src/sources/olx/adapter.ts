import { assertPage, type SearchPage, type SourceAdapter, UnsupportedFeedError } from "../adapter.ts";
import type { FeedTarget } from "../../model/feed.ts";
import { olxCategoryId } from "./category.ts";
import { parseOlxApiResponse } from "./search-response.ts";

/** Offers per page; the API allows up to 50 and adds promoted offers on top. */
export const OLX_PAGE_SIZE = 40;

/**
 * OLX through its JSON API, `GET /api/v1/offers/`, newest first. The query is
 * the one OLX's own list page sends (its state's `links.self`): offset, limit,
 * category_id, region_id, city_id, sort_by, filter_refiners.
 */
export const olxAdapter: SourceAdapter = {
  source: "olx",
  searchRequest(feed: FeedTarget, baseUrl: string, page: number): Request {
    assertPage(page);
    const category = olxCategoryId(feed.deal, feed.property);
    if (category === null) throw new UnsupportedFeedError(`OLX category for ${feed.deal} ${feed.property} is not known`);
    if (feed.city.olxCityId === null) throw new UnsupportedFeedError(`city ${feed.city.slug} has no OLX city id`);
    const url = new URL("/api/v1/offers/", baseUrl);
    url.searchParams.set("offset", String((page - 1) * OLX_PAGE_SIZE));
    url.searchParams.set("limit", String(OLX_PAGE_SIZE));
    url.searchParams.set("category_id", String(category));
    if (feed.city.olxRegionId !== null) url.searchParams.set("region_id", String(feed.city.olxRegionId));
    url.searchParams.set("city_id", String(feed.city.olxCityId));
    url.searchParams.set("sort_by", "created_at:desc");
    url.searchParams.set("filter_refiners", "spell_checker");
    return new Request(url, { headers: { Accept: "application/json" } });
  },
  async parseSearch(response: Response): Promise<SearchPage> {
    return parseOlxApiResponse(response);
  },
};
