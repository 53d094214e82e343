import { z } from "zod";
import { otodomPublicId } from "../dedup-key.ts";
import type { Listing } from "../../model/listing.ts";
import { lookup } from "../lookup.ts";
import { parseDecimal } from "../parse-number.ts";
import { readIsoTime } from "../published-at.ts";
import { OTODOM_PARTNER, olxCategory } from "./category.ts";
import { OLX_ROOMS } from "./rooms.ts";

const nullishString = z.string().nullish();

const Param = z.object({ key: z.string(), value: z.unknown() });
const PriceValue = z.object({ value: z.number().nullish(), currency: nullishString });
const KeyValue = z.object({ key: z.union([z.string(), z.number()]).nullish() });

/**
 * One offer of OLX's API v1 (`/api/v1/offers/` → `data[i]`,
 * `/api/v1/offers/<id>/` → `data`). Only the fields GetMeOne reads; the rest
 * passes through unchecked.
 */
export const OlxApiOffer = z.object({
  id: z.union([z.number(), z.string()]),
  url: z.string(),
  title: z.string(),
  last_refresh_time: nullishString,
  created_time: nullishString,
  params: z.array(Param).nullish(),
  business: z.boolean().nullish(),
  map: z.object({ lat: z.number().nullish(), lon: z.number().nullish() }).nullish(),
  location: z
    .object({
      city: z.object({ name: z.string() }).nullish(),
      district: z.object({ name: z.string() }).nullish(),
    })
    .nullish(),
  photos: z.array(z.object({ link: z.string(), width: z.number().nullish(), height: z.number().nullish() })).nullish(),
  category: z.object({ id: z.number() }).nullish(),
  partner: z.object({ code: nullishString }).nullish(),
  external_url: nullishString,
});
export type OlxApiOffer = z.infer<typeof OlxApiOffer>;

/**
 * OLX API v1 offer → Listing.
 * - price, currency: `params[price].value.{value,currency}` (olx.uz prices stay in their own currency, e.g. "UYE"); no price param → null.
 * - rent: `params[rent].value.key`; area: `params[m].value.key`; rooms: `params[rooms].value.key` one..four.
 * - pricePerM2: `params[price_per_m]` (sale only) or price / area.
 * - url: the Otodom ad for an Otodom cross-post (`partner.code "otodom_pl"` + `external_url`), so that
 *   dedupKey joins it with the same ad read from Otodom; else the OLX url.
 * - publishedAt: `last_refresh_time` (what "newest first" sorts by), else `created_time`, as ms.
 * - photoUrl: `photos[0].link` with its `{width}`/`{height}` placeholders filled from the photo's size.
 *
 * @throws ZodError when the object is not an offer (the caller counts it as an item error)
 */
export function olxOfferToListing(raw: unknown, warn: (message: string) => void): Listing {
  const offer = OlxApiOffer.parse(raw);
  const params = new Map((offer.params ?? []).map((p) => [p.key, p.value]));

  const price = PriceValue.safeParse(params.get("price"));
  const priceValue = price.success ? (price.data.value ?? null) : null;
  if (params.has("price") && !price.success) warn("price param unreadable");

  const areaM2 = parseDecimal(paramKey(params.get("m")));

  const { deal, property } = olxCategory(offer.category?.id);
  return {
    source: "olx",
    externalId: String(offer.id),
    url: crossPostUrl(offer.partner?.code, offer.external_url) ?? offer.url,
    title: offer.title,
    price: priceValue,
    currency: price.success ? (price.data.currency ?? null) : null,
    rent: parseDecimal(paramKey(params.get("rent"))),
    areaM2,
    rooms: lookup(OLX_ROOMS, paramKey(params.get("rooms")), "rooms value", warn),
    pricePerM2: parseDecimal(paramKey(params.get("price_per_m"))) ?? perSquareMetre(priceValue, areaM2),
    city: offer.location?.city?.name || null,
    district: offer.location?.district?.name || null,
    lat: offer.map?.lat ?? null,
    lon: offer.map?.lon ?? null,
    isPrivate: offer.business == null ? null : !offer.business,
    photoUrl: photoUrl(offer.photos?.[0]),
    deal,
    property,
    publishedAt: readIsoTime(offer.last_refresh_time || offer.created_time, warn),
  };
}

/** The otodom.pl ad an OLX cross-post comes from, or null. */
export function crossPostUrl(partnerCode: string | null | undefined, externalUrl: string | null | undefined): string | null {
  if (partnerCode !== OTODOM_PARTNER || !externalUrl) return null;
  return otodomPublicId(externalUrl) ? externalUrl : null;
}

/** price / area, rounded to 0.01; null when either is missing. */
export function perSquareMetre(price: number | null, areaM2: number | null): number | null {
  if (price === null || areaM2 === null || !(price > 0) || !(areaM2 > 0)) return null;
  return Math.round((price / areaM2) * 100) / 100;
}

function paramKey(value: unknown): string | null {
  const parsed = KeyValue.safeParse(value);
  const key = parsed.success ? parsed.data.key : null;
  return key == null || key === "" ? null : String(key);
}

function photoUrl(photo: { link: string; width?: number | null; height?: number | null } | undefined): string | null {
  if (!photo) return null;
  if (!photo.link.includes("{width}") && !photo.link.includes("{height}")) return photo.link;
  // The placeholders are literal in the API; without a size the link is not an image.
  if (!photo.width || !photo.height) return null;
  return photo.link.replace("{width}", String(photo.width)).replace("{height}", String(photo.height));
}
