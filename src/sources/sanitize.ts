import { z } from "zod";
import type { Listing } from "../model/listing.ts";
import { type ItemIssue, PageError, type ParseResult } from "./parse-result.ts";

/** Largest believable floor/plot area, m². Plots get more room: 1 ha = 10 000 m² is an ordinary plot. */
export const MAX_AREA_M2 = 10_000;
export const MAX_PLOT_AREA_M2 = 1_000_000;
export const MIN_ROOMS = 1;
export const MAX_ROOMS = 50;
/**
 * The believable window for publishedAt (ms): neither site is older than
 * 2000, and nothing is published in 2100. Fixed bounds, not "now": a parser
 * reads no clock, and a saved page may be parsed years later.
 */
export const MIN_PUBLISHED_AT = Date.UTC(2000, 0, 1);
export const MAX_PUBLISHED_AT = Date.UTC(2100, 0, 1);

/** A parser's deliberate decision not to turn an item into a listing (not a defect). */
export interface Skipped {
  readonly skipped: string;
}
export const skip = (reason: string): Skipped => ({ skipped: reason });

/** A page read item by item: ParseResult plus the items deliberately left out. */
export interface PageParse extends ParseResult {
  /** Items that are not listings by design (developer project tiles, promoted duplicates, repeats on one page). */
  skipped: ItemIssue[];
}

/**
 * Turns a page's raw items into listings, one item at a time: an item whose
 * mapper throws is an item error (dropped, counted, never a crash); a listing
 * without id, url or title is an item error; implausible values become null
 * with a warning; a repeated id is skipped. A page with item errors and not
 * one listing is not "zero listings" but a format change: PageError("format").
 *
 * @param items the page's raw items, in page order (newest first)
 * @param read maps one item; throw to reject it, return `skip(reason)` to leave it out,
 *   call `warn` for a value it could not read (the field stays null)
 */
export function readItems<T>(
  items: readonly T[],
  read: (item: T, warn: (message: string) => void, index: number) => Listing | Skipped,
): PageParse {
  const page: PageParse = { listings: [], errors: [], warnings: [], skipped: [] };
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const label = rawId(item) ?? `#${index}`;
    let out: Listing | Skipped;
    const pending: string[] = [];
    try {
      out = read(item, (message) => pending.push(message), index);
    } catch (error) {
      page.errors.push({ item: label, message: describe(error) });
      return;
    }
    if ("skipped" in out) {
      page.skipped.push({ item: label, message: out.skipped });
      return;
    }
    const missing = identityProblem(out);
    if (missing) {
      page.errors.push({ item: out.externalId || label, message: missing });
      return;
    }
    if (seen.has(out.externalId)) {
      page.skipped.push({ item: out.externalId, message: "repeated on the page" });
      return;
    }
    seen.add(out.externalId);
    for (const message of pending) page.warnings.push({ item: out.externalId, message });
    page.listings.push(checkListing(out, page.warnings));
  });
  if (page.listings.length === 0 && page.errors.length > 0) {
    throw new PageError("format", `none of ${page.errors.length} items could be read; first: ${page.errors[0]?.message ?? "?"}`);
  }
  return page;
}

/** Why a listing cannot be stored at all, or null when it can. */
export function identityProblem(l: Listing): string | null {
  if (!l.externalId.trim()) return "no id";
  if (!l.title.trim()) return "no title";
  if (!isHttpUrl(l.url)) return `no usable url (${JSON.stringify(l.url)})`;
  return null;
}

/** Nulls the values no real listing can have, with one warning per field. */
export function checkListing(l: Listing, warnings: ItemIssue[]): Listing {
  const out = { ...l };
  const warn = (message: string) => warnings.push({ item: l.externalId, message });

  if (out.price !== null && !(Number.isFinite(out.price) && out.price > 0)) {
    warn(`price ${out.price} is not plausible`);
    out.price = null;
  }
  if (out.rent !== null && !(Number.isFinite(out.rent) && out.rent >= 0)) {
    warn(`rent ${out.rent} is not plausible`);
    out.rent = null;
  }
  const maxArea = out.property === "plot" ? MAX_PLOT_AREA_M2 : MAX_AREA_M2;
  if (out.areaM2 !== null && !(Number.isFinite(out.areaM2) && out.areaM2 > 0 && out.areaM2 <= maxArea)) {
    warn(`area ${out.areaM2} m² is not plausible`);
    out.areaM2 = null;
  }
  if (out.rooms !== null && !(Number.isInteger(out.rooms) && out.rooms >= MIN_ROOMS && out.rooms <= MAX_ROOMS)) {
    warn(`rooms ${out.rooms} is not plausible`);
    out.rooms = null;
  }
  if (out.pricePerM2 !== null && !(Number.isFinite(out.pricePerM2) && out.pricePerM2 > 0)) {
    warn(`price per m² ${out.pricePerM2} is not plausible`);
    out.pricePerM2 = null;
  }
  if (out.lat !== null || out.lon !== null) {
    const ok =
      out.lat !== null && out.lon !== null &&
      Math.abs(out.lat) <= 90 && Math.abs(out.lon) <= 180 &&
      !(out.lat === 0 && out.lon === 0);
    if (!ok) {
      warn(`coordinates ${out.lat},${out.lon} are not plausible`);
      out.lat = null;
      out.lon = null;
    }
  }
  if (
    out.publishedAt !== null &&
    !(Number.isInteger(out.publishedAt) && out.publishedAt >= MIN_PUBLISHED_AT && out.publishedAt < MAX_PUBLISHED_AT)
  ) {
    warn(`publishedAt ${out.publishedAt} is not plausible`);
    out.publishedAt = null;
  }
  return out;
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}

function rawId(item: unknown): string | null {
  if (typeof item !== "object" || item === null || !("id" in item)) return null;
  const id = item.id;
  return typeof id === "number" || (typeof id === "string" && id) ? String(id) : null;
}

function describe(error: unknown): string {
  if (error instanceof z.ZodError) {
    return error.issues
      .slice(0, 3)
      .map((i) => `${i.path.map(String).join(".") || "(item)"}: ${i.message}`)
      .join("; ");
  }
  return error instanceof Error ? error.message : String(error);
}
