import type { Source } from "../model/listing.ts";
import { assertNotBlocked } from "./fetch-page.ts";
import { parseOlxLegacyPage } from "./olx/legacy-html.ts";
import { parseOlxPrerenderedPage } from "./olx/prerendered.ts";
import { type OlxPage, parseOlxApiJson } from "./olx/search-response.ts";
import { extractNextData } from "./otodom/extract-next-data.ts";
import { type OtodomPage, parseOtodomNextData } from "./otodom/next-data.ts";
import { PageError } from "./parse-result.ts";

/** What `npm run parse` reads: any saved form of either site, told apart by its content. */
export type SavedPage = OlxPage | OtodomPage;

/**
 * Reads a page saved to disk, whatever its form:
 * - OLX: an API search response, a single-offer response or a bare offer (JSON);
 *   a list page with `__PRERENDERED_STATE__` (2023) or the legacy table markup (2016).
 * - Otodom: a search or ad page (HTML), or its `__NEXT_DATA__` saved alone (JSON).
 * HTML goes through the same block check and streaming HTMLRewriter parsers
 * as live pages (a saved challenge page is "blocked", not a format change).
 *
 * @throws PageError when the page itself can't be read
 */
export async function parseSavedPage(source: Source, bytes: Uint8Array): Promise<SavedPage> {
  const text = new TextDecoder().decode(bytes);
  if (/^\s*[{[]/.test(text)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new PageError("format", "looks like JSON but does not parse", { cause: error });
    }
    return source === "olx" ? parseOlxApiJson(json) : parseOtodomNextData(json);
  }
  const html = await assertNotBlocked(new Response(bytes, { headers: { "content-type": "text/html; charset=utf-8" } }), "the saved page");
  if (source === "otodom") return parseOtodomNextData(await extractNextData(html));
  return text.includes("__PRERENDERED_STATE__") ? parseOlxPrerenderedPage(html) : parseOlxLegacyPage(html);
}
