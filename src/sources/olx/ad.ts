import { fold } from "../../lib/fold.ts";
import { otodomPublicId } from "../dedup-key.ts";
import type { Listing } from "../../model/listing.ts";
import { lookup } from "../lookup.ts";
import { parseDecimal, perSquareMetre } from "../parse-number.ts";
import { floorFromKey } from "../floor.ts";
import { bumpAfter, readIsoTime } from "../published-at.ts";
import { OTODOM_PARTNER, olxCategory } from "./category.ts";
import { OLX_ROOMS } from "./rooms.ts";

/**
 * What an OLX ad says, whichever OLX format said it: the API v1 offer
 * (olx/offer.ts) and the 2023 page state (olx/prerendered.ts) name and nest
 * the same facts differently, and each only gathers them here. The decisions
 * (olxAdToListing) are then made once for both.
 */
export interface OlxAd {
  id: number | string;
  url: string;
  title: string;
  price: number | null;
  currency: string | null;
  /** `params[]` by key (`m`, `rooms`, `rent`, `price_per_m`), each value as text; null: no value. */
  params: ReadonlyMap<string, string | null>;
  city: string | null | undefined;
  district: string | null | undefined;
  cityId: number | null | undefined;
  /** The voivodeship's normalized name ("slaskie"). */
  region: string | null | undefined;
  lat: number | null | undefined;
  lon: number | null | undefined;
  business: boolean | null | undefined;
  photoUrl: string | null;
  categoryId: number | null | undefined;
  partnerCode: string | null | undefined;
  externalUrl: string | null | undefined;
  /** The last refresh time (what "newest first" sorts by), else the creation time: ISO 8601 with offset. */
  time: string | null | undefined;
  /** When the ad was created (ISO 8601 with offset): its first listing, which a bump does not move. */
  createdTime: string | null | undefined;
  /** The last paid bump (API `pushup_time`, 2023 page state `pushupTime`). */
  pushupTime: string | null | undefined;
}

/**
 * An OLX ad → Listing.
 * - rent, area, rooms, price per m²: the `rent`, `m`, `rooms` (one..four) and `price_per_m` params;
 *   price per m² is only a param on sales, else price / area.
 * - url: the Otodom ad for an Otodom cross-post (`partner.code "otodom_pl"` + its external url), so that
 *   dedupKey joins it with the same ad read from Otodom; else the OLX url.
 * - isPrivate: not `business`; deal and property: from the category id; publishedAt: `time` as ms.
 * - floor: the `floor_select` param; firstListedAt: `createdTime`; bumpedAt: the later of the
 *   push-up and the refresh time, when after the creation (a refresh also puts the ad back on top).
 */
export function olxAdToListing(ad: OlxAd, warn: (message: string) => void): Listing {
  const areaM2 = parseDecimal(ad.params.get("m"));
  const { deal, property } = olxCategory(ad.categoryId);
  const publishedAt = readIsoTime(ad.time, warn);
  const firstListedAt = readIsoTime(ad.createdTime, warn);
  const pushedUp = readIsoTime(ad.pushupTime, warn);
  return {
    source: "olx",
    externalId: String(ad.id),
    url: crossPostUrl(ad.partnerCode, ad.externalUrl) ?? ad.url,
    title: ad.title,
    price: ad.price,
    currency: ad.currency,
    rent: parseDecimal(ad.params.get("rent")),
    areaM2,
    rooms: lookup(OLX_ROOMS, ad.params.get("rooms"), "rooms value", warn),
    pricePerM2: parseDecimal(ad.params.get("price_per_m")) ?? perSquareMetre(ad.price, areaM2),
    floor: floorFromKey(ad.params.get("floor_select")),
    city: ad.city || null,
    district: ad.district || null,
    // 0 is what OLX writes for "no district"; a city id of 0 would be no city either.
    olxCityId: ad.cityId || null,
    region: ad.region ? fold(ad.region) : null,
    lat: ad.lat ?? null,
    lon: ad.lon ?? null,
    isPrivate: ad.business == null ? null : !ad.business,
    photoUrl: ad.photoUrl,
    deal,
    property,
    publishedAt,
    firstListedAt,
    bumpedAt: bumpAfter(firstListedAt, Math.max(pushedUp ?? 0, publishedAt ?? 0) || null),
  };
}

/** The otodom.pl ad an OLX cross-post comes from, or null. */
function crossPostUrl(partnerCode: string | null | undefined, externalUrl: string | null | undefined): string | null {
  if (partnerCode !== OTODOM_PARTNER || !externalUrl) return null;
  return otodomPublicId(externalUrl) ? externalUrl : null;
}
