import { toBase62 } from "./base62.ts";
import type { Listing } from "../model/listing.ts";

/** Otodom's short id at the end of an ad slug or URL: `…-ID4ARdx`, `…-ID4dG6i.html`, `…-ID37hHE.html#xtor=…`. */
const OTODOM_PUBLIC_ID = /-ID([0-9A-Za-z]+)(?:\.html)?$/;

/**
 * One key per real-world ad, whichever site it was seen on: `otodom:<publicId>`
 * for anything that is an otodom.pl ad (an Otodom listing, or an OLX listing
 * whose url points at otodom.pl: OLX's Otodom cross-posts carry
 * `partner.code "otodom_pl"` + `external_url`, and the OLX parsers use that as
 * the url), `olx:<id>` otherwise.
 *
 * @example
 * dedupKey({ source: "olx", externalId: "793297612",
 *   url: "https://www.otodom.pl/pl/oferta/2-pokojowe-mieszkanie-wrotkow-promocja-ID4iLjo.html", ... }) // "otodom:4iLjo"
 * dedupKey({ source: "otodom", externalId: "67889723",
 *   url: "https://www.otodom.pl/pl/oferta/apartament-3-pokoje-krowodrza-83m2-ul-poznanska-ID4ARdx", ... }) // "otodom:4ARdx"
 */
export function dedupKey(listing: Pick<Listing, "source" | "externalId" | "url">): string {
  const publicId = otodomPublicId(listing.url);
  if (publicId) return `otodom:${publicId}`;
  if (listing.source === "otodom") {
    // No slug to read: Otodom's publicId is base62 of its numeric id.
    const id = Number(listing.externalId);
    if (Number.isSafeInteger(id) && id >= 0) return `otodom:${toBase62(id)}`;
  }
  return `${listing.source}:${listing.externalId}`;
}

/** The publicId of an otodom.pl ad URL, or null for any other URL. */
export function otodomPublicId(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.hostname !== "otodom.pl" && !u.hostname.endsWith(".otodom.pl")) return null;
  return OTODOM_PUBLIC_ID.exec(u.pathname)?.[1] ?? null;
}
