import { parseOlxLink } from "./olx.ts";
import { parseOtodomLink } from "./otodom.ts";
import type { LinkResult } from "./parsed.ts";

export type { LinkResult, ParsedLink } from "./parsed.ts";

const LINK = /https?:\/\/[^\s<>"]+/i;
/** The two sites' links without a scheme, as some apps copy them: "www.olx.pl/d/…". */
const BARE_SITE_LINK = /(?:^|\s)((?:www\.|m\.)?(?:olx|otodom)\.pl\/[^\s<>"]*)/i;

/** The link in a message, if it has one: people paste links with words around them. */
export function findLink(text: string): string | null {
  const bare = BARE_SITE_LINK.exec(text)?.[1];
  return LINK.exec(text)?.[0] ?? (bare ? `https://${bare}` : null);
}

/** Whether a message is meant as a link (and so gets a link's answer, good or bad). */
export function looksLikeLink(text: string): boolean {
  return findLink(text) !== null;
}

/** Hosts of the two sites, with or without www. and the mobile m. */
function siteOf(host: string): "olx" | "otodom" | null {
  const bare = host.toLowerCase().replace(/^(www|m)\./, "");
  if (bare === "olx.pl") return "olx";
  if (bare === "otodom.pl") return "otodom";
  return null;
}

/**
 * A search-results link from olx.pl or otodom.pl, read into what a saved
 * search can hold. Pure: the city is resolved against D1 (and OLX's ids
 * looked up) by src/searches/resolve.ts.
 *
 * @example parseSearchLink("https://www.otodom.pl/pl/wyniki/wynajem/mieszkanie/mazowieckie/warszawa/warszawa/warszawa?priceMax=3500")
 */
export function parseSearchLink(text: string): LinkResult {
  const raw = findLink(text);
  if (!raw) return { ok: false, problem: "not_a_link" };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: "not_a_link" };
  }
  switch (siteOf(url.hostname)) {
    case "olx":
      return parseOlxLink(url);
    case "otodom":
      return parseOtodomLink(url);
    default:
      return { ok: false, problem: "other_site" };
  }
}
