/**
 * The sources layer: one adapter per site behind one shape, pure parsers
 * tested on real captures (test/fixtures), and the one fetching interface.
 * Everything else in src/sources is reached through this file.
 */
import type { SourceAdapter } from "./adapter.ts";
import type { Source } from "../model/listing.ts";
import { olxAdapter } from "./olx/adapter.ts";
import { otodomAdapter } from "./otodom/adapter.ts";

export type { SearchPage, SourceAdapter } from "./adapter.ts";
export { UnsupportedFeedError } from "./adapter.ts";
export { dedupKey } from "./dedup-key.ts";
export { assertNotBlocked, directFetcher, type PageFetcher } from "./fetch-page.ts";
export { DEALS, PROPERTIES, SOURCES, type Deal, type Listing, type Property, type Source } from "../model/listing.ts";
export { type ItemIssue, PageError, type PageErrorKind, type ParseResult } from "./parse-result.ts";

/** The adapter of each source. */
export const adapters: Record<Source, SourceAdapter> = {
  olx: olxAdapter,
  otodom: otodomAdapter,
};
