import { z } from "zod";
import type { Listing } from "../../model/listing.ts";
import { olxAdToListing } from "./ad.ts";

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
  pushup_time: nullishString,
  params: z.array(Param).nullish(),
  business: z.boolean().nullish(),
  map: z.object({ lat: z.number().nullish(), lon: z.number().nullish() }).nullish(),
  location: z
    .object({
      city: z.object({ id: z.number().nullish(), name: z.string() }).nullish(),
      district: z.object({ name: z.string() }).nullish(),
      region: z.object({ normalized_name: nullishString }).nullish(),
    })
    .nullish(),
  photos: z.array(z.object({ link: z.string(), width: z.number().nullish(), height: z.number().nullish() })).nullish(),
  category: z.object({ id: z.number() }).nullish(),
  partner: z.object({ code: nullishString }).nullish(),
  external_url: nullishString,
});
export type OlxApiOffer = z.infer<typeof OlxApiOffer>;

/**
 * OLX API v1 offer → Listing (the decisions: olxAdToListing). Where the API keeps each fact:
 * - price, currency: `params[price].value.{value,currency}` (olx.uz prices stay in their own currency, e.g. "UYE"); no price param → null.
 * - the other params: `params[].value.key`.
 * - time: `last_refresh_time`, else `created_time`; first listed: `created_time`; bumped: `pushup_time`.
 * - photoUrl: `photos[0].link` with its `{width}`/`{height}` placeholders filled from the photo's size.
 *
 * @throws ZodError when the object is not an offer (the caller counts it as an item error)
 */
export function olxOfferToListing(raw: unknown, warn: (message: string) => void): Listing {
  const offer = OlxApiOffer.parse(raw);
  const params = new Map((offer.params ?? []).map((p) => [p.key, p.value]));

  const price = PriceValue.safeParse(params.get("price"));
  if (params.has("price") && !price.success) warn("price param unreadable");

  return olxAdToListing(
    {
      id: offer.id,
      url: offer.url,
      title: offer.title,
      price: price.success ? (price.data.value ?? null) : null,
      currency: price.success ? (price.data.currency ?? null) : null,
      params: new Map([...params].map(([key, value]) => [key, paramKey(value)])),
      city: offer.location?.city?.name,
      district: offer.location?.district?.name,
      cityId: offer.location?.city?.id,
      region: offer.location?.region?.normalized_name,
      lat: offer.map?.lat,
      lon: offer.map?.lon,
      business: offer.business,
      photoUrl: photoUrl(offer.photos?.[0]),
      categoryId: offer.category?.id,
      partnerCode: offer.partner?.code,
      externalUrl: offer.external_url,
      time: offer.last_refresh_time || offer.created_time,
      createdTime: offer.created_time,
      pushupTime: offer.pushup_time,
    },
    warn,
  );
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
