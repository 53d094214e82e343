/**
 * The sources layer: one adapter per site behind one shape, pure parsers
 * tested on real captures (test/fixtures), and the one fetching interface.
 * Everything else in src/sources is reached through this file.
 */
export type { SearchPage, SourceAdapter } from "./adapter.ts";
export { UnsupportedFeedError } from "./adapter.ts";
export { adapters, readSearchPage } from "./adapters.ts";
export { dedupKey } from "./dedup-key.ts";
export { directFetcher, type PageFetcher } from "./fetch-page.ts";
export { createFetcher, fetcherChain } from "./fetchers.ts";
export { OLX_ROOMS, OLX_ROOMS_OR_MORE } from "./olx/rooms.ts";
export { OTODOM_ROOMS, OTODOM_ROOMS_OR_MORE } from "./otodom/rooms.ts";
export { type ItemIssue, PageError, type PageErrorKind, type ParseResult } from "./parse-result.ts";
