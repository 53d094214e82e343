/**
 * npm run parse -- <olx|otodom> <file>
 *
 * Parses a saved page (any form the sources layer knows, see
 * src/sources/saved-page.ts) and prints one JSON object per listing, one per
 * line, with exactly the Listing field names (absent values null, times
 * UTC ISO 8601). Counts of item errors, warnings and skipped items go to
 * stderr. Exit 1 when the page itself can't be read, 2 on usage errors.
 */
import { readFile } from "node:fs/promises";
import { installHTMLRewriter } from "./lib/html-rewriter.ts";
import type { Listing } from "../src/model/listing.ts";
import { PageError } from "../src/sources/parse-result.ts";
import { parseSavedPage } from "../src/sources/saved-page.ts";

/** Listing's fields in declaration order; `satisfies` + the check below keep it complete. */
const FIELDS = [
  "source", "externalId", "url", "title", "price", "currency", "rent", "areaM2", "rooms", "pricePerM2", "floor",
  "city", "district", "lat", "lon", "isPrivate", "photoUrl", "deal", "property", "publishedAt",
  "firstListedAt", "bumpedAt",
] as const satisfies readonly (keyof Listing)[];
type Missing = Exclude<keyof Listing, (typeof FIELDS)[number]>;
const complete: Missing extends never ? true : Missing = true;
void complete;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** One listing as a JSON line; its times (ms in the Listing) are printed as UTC ISO 8601 for people to read. */
export function listingLine(listing: Listing): string {
  const readable = { ...listing, publishedAt: iso(listing.publishedAt), firstListedAt: iso(listing.firstListedAt), bumpedAt: iso(listing.bumpedAt) };
  return JSON.stringify(Object.fromEntries(FIELDS.map((f) => [f, readable[f] ?? null])));
}

async function main(argv: string[]): Promise<number> {
  const [source, file] = argv;
  if ((source !== "olx" && source !== "otodom") || !file) {
    process.stderr.write("usage: npm run parse -- <olx|otodom> <file>\n");
    return 2;
  }
  installHTMLRewriter();
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  try {
    const page = await parseSavedPage(source, bytes);
    for (const listing of page.listings) process.stdout.write(`${listingLine(listing)}\n`);
    process.stderr.write(
      `${page.listings.length} listings, ${page.errors.length} item errors, ${page.warnings.length} warnings, ` +
        `${page.skipped.length} skipped, next page: ${page.hasNextPage ? "yes" : "no"}\n`,
    );
    for (const [kind, issues] of [["error", page.errors], ["warning", page.warnings], ["skipped", page.skipped]] as const) {
      for (const issue of issues) process.stderr.write(`  ${kind} ${issue.item}: ${issue.message}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof PageError) {
      process.stderr.write(`page not readable (${error.kind}): ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (import.meta.main ?? process.argv[1]?.endsWith("parse.ts")) {
  process.exitCode = await main(process.argv.slice(2));
}
