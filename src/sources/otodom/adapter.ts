import { assertPage, type SearchPage, type SourceAdapter, UnsupportedFeedError } from "../adapter.ts";
import type { FeedTarget } from "../../model/feed.ts";
import type { Deal, Property } from "../../model/listing.ts";
import { extractNextData } from "./extract-next-data.ts";
import { parseOtodomNextData } from "./next-data.ts";

/** Listings per page asked for; Otodom's own default is 36. */
export const OTODOM_PAGE_SIZE = 72;

export const OTODOM_DEALS: Readonly<Record<Deal, string>> = { sale: "sprzedaz", rent: "wynajem" };
export const OTODOM_PROPERTIES: Readonly<Partial<Record<Property, string>>> = {
  flat: "mieszkanie",
  house: "dom",
  room: "pokoj",
  plot: "dzialka",
};

/**
 * Otodom through its search page's `__NEXT_DATA__`, newest first, for the
 * whole country or one voivodeship:
 * `/pl/wyniki/<deal>/<estate>/<cala-polska | voivodeship>?by=LATEST&direction=DESC&limit=72&page=<n>`
 * (the 2026 path form: the Kraków capture's canonicalURL is
 * `/pl/wyniki/sprzedaz/mieszkanie/malopolskie/krakow/krakow/krakow`, whose
 * first segment is the voivodeship; `cala-polska` is the site's own word for
 * the whole country).
 */
export const otodomAdapter: SourceAdapter = {
  source: "otodom",
  searchRequest(feed: FeedTarget, baseUrl: string, page: number): Request {
    assertPage(page);
    const estate = OTODOM_PROPERTIES[feed.property];
    if (!estate) throw new UnsupportedFeedError(`Otodom has no search for property ${feed.property}`);
    const url = new URL(`/pl/wyniki/${OTODOM_DEALS[feed.deal]}/${estate}/${feed.region?.slug ?? "cala-polska"}`, baseUrl);
    url.searchParams.set("by", "LATEST");
    url.searchParams.set("direction", "DESC");
    url.searchParams.set("limit", String(OTODOM_PAGE_SIZE));
    url.searchParams.set("page", String(page));
    return new Request(url, { headers: { Accept: "text/html,application/xhtml+xml" } });
  },
  supports(feed) {
    return OTODOM_PROPERTIES[feed.property] !== undefined;
  },
  async parseSearch(response: Response): Promise<SearchPage> {
    return parseOtodomNextData(await extractNextData(response));
  },
};
