import { z } from "zod";
import { errorMessage, log } from "../lib/log.ts";
import type { OlxIds } from "../model/location.ts";

/**
 * OLX's friendly-links API answers which ids a search page's path stands
 * for: `GET /api/v1/friendly-links/query-params/nieruchomosci,mieszkania,wynajem,gdansk/`.
 * Only the ids we store are read; anything else in the answer is ignored.
 */
const friendlyLinksSchema = z.object({
  data: z.object({
    category_id: z.coerce.number().int().positive().optional(),
    region_id: z.coerce.number().int().positive().nullish(),
    city_id: z.coerce.number().int().positive(),
  }),
});

/** How long the bot waits for OLX before saving the search without its ids. */
const TIMEOUT_MS = 3000;

/**
 * Asks OLX for the ids of a search path. Any failure (down, blocked, a changed
 * answer) is logged and returns null: the caller falls back to the seed table.
 */
export async function olxFriendlyLinks(baseUrl: string, segments: readonly string[]): Promise<OlxIds | null> {
  const path = segments.map(encodeURIComponent).join(",");
  const url = new URL(`/api/v1/friendly-links/query-params/${path}/`, baseUrl);
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!response.ok) {
      log.warn("olx_friendly_links_failed", { status: response.status, path });
      return null;
    }
    const parsed = friendlyLinksSchema.safeParse(await response.json());
    if (!parsed.success) {
      log.warn("olx_friendly_links_format", { path, issue: parsed.error.issues[0]?.path.join(".") ?? "" });
      return null;
    }
    return { cityId: parsed.data.data.city_id, regionId: parsed.data.data.region_id ?? null };
  } catch (error) {
    log.warn("olx_friendly_links_failed", { path, error: errorMessage(error) });
    return null;
  }
}
