import type { Listing } from "../model/listing.ts";

/** Something wrong with one item of a page; the rest of the page still counts. */
export interface ItemIssue {
  /** The item's id when it could be read, else its index on the page. */
  item: string;
  message: string;
}

/** What a parser gets out of one page or API response. */
export interface ParseResult {
  listings: Listing[];
  /** Items dropped whole (no id, no url, not an offer). */
  errors: ItemIssue[];
  /** Items kept with a field set to null (impossible price, area, ...). */
  warnings: ItemIssue[];
}

/** Why a whole page could not be read. */
export type PageErrorKind = "blocked" | "format";

/**
 * The page as a whole cannot be read: a captcha or block page, or a format
 * that changed so much that no listing can be found. Never means "zero listings".
 *
 * Written without TypeScript parameter properties so that Node's type
 * stripping (`npm run parse`) can load it.
 */
export class PageError extends Error {
  override readonly name = "PageError";
  readonly kind: PageErrorKind;
  constructor(kind: PageErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}
