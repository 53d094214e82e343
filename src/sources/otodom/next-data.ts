import { z } from "zod";
import { fold } from "../../lib/fold.ts";
import type { Deal, Listing, Property } from "../../model/listing.ts";
import { lookup } from "../lookup.ts";
import { parseDecimal, perSquareMetre } from "../parse-number.ts";
import { PageError } from "../parse-result.ts";
import { floorFromKey, floorFromOtodomOrdinal } from "../floor.ts";
import { bumpAfter, readIsoTime, readWarsawTime } from "../published-at.ts";
import { type PageParse, readItems, type Skipped, skip } from "../sanitize.ts";
import { OTODOM_ROOMS } from "./rooms.ts";

/** A page of Otodom listings and whether Otodom has a following one. */
export interface OtodomPage extends PageParse {
  hasNextPage: boolean;
}

export const OTODOM_AD_URL = "https://www.otodom.pl/pl/oferta/";

const nullishString = z.string().nullish();
const Money = z.object({ value: z.number().nullish(), currency: nullishString }).nullish();

/** `props.pageProps.data.searchAds.items[i]`, 2021 to 2026 (test/fixtures/otodom/SCHEMA.md). */
const SearchItem = z.object({
  id: z.union([z.number(), z.string()]),
  title: z.string(),
  slug: nullishString,
  href: nullishString,
  estate: nullishString,
  transaction: nullishString,
  locationLabel: z.object({ value: z.string() }).nullish(),
  location: z
    .object({
      address: z.object({ city: z.object({ name: z.string() }).nullish(), province: z.object({ name: z.string() }).nullish() }).nullish(),
      reverseGeocoding: z
        .object({ locations: z.array(z.object({ id: nullishString, name: nullishString, locationLevel: nullishString })).nullish() })
        .nullish(),
    })
    .nullish(),
  images: z.array(z.object({ medium: nullishString, large: nullishString })).nullish(),
  isPrivateOwner: z.boolean().nullish(),
  totalPrice: Money,
  rentPrice: Money,
  pricePerSquareMeter: Money,
  areaInSquareMeters: z.number().nullish(),
  roomsNumber: nullishString,
  hidePrice: z.boolean().nullish(),
  floorNumber: nullishString,
  dateCreated: nullishString,
  createdAtFirst: nullishString,
  pushedUpAt: nullishString,
});

const SearchPage = z.object({
  props: z.object({
    pageProps: z.object({
      data: z.object({
        searchAds: z.object({
          items: z.array(z.unknown()),
          pagination: z
            .object({
              currentPage: z.number().nullish(),
              page: z.number().nullish(),
              totalPages: z.number().nullish(),
            })
            .nullish(),
        }),
      }),
    }),
  }),
});

/** `props.pageProps.ad` of an ad page (2021 form; ISO `createdAt` and `adCategory` of later pages accepted). */
const AdItem = z.object({
  id: z.union([z.number(), z.string()]),
  slug: nullishString,
  url: nullishString,
  title: z.string(),
  advertiserType: nullishString,
  dateCreated: nullishString,
  createdAt: nullishString,
  characteristics: z
    .array(z.object({ key: z.string(), value: z.union([z.string(), z.number()]).nullish(), currency: nullishString }))
    .nullish(),
  location: z
    .object({
      coordinates: z.object({ latitude: z.number().nullish(), longitude: z.number().nullish() }).nullish(),
      geoLevels: z.array(z.object({ label: nullishString, type: nullishString })).nullish(),
    })
    .nullish(),
  images: z.array(z.object({ medium: nullishString, large: nullishString })).nullish(),
  target: z.object({ OfferType: nullishString, ProperType: nullishString }).nullish(),
  adCategory: z.object({ name: nullishString, type: nullishString }).nullish(),
});

const AdPage = z.object({ props: z.object({ pageProps: z.object({ ad: z.unknown() }) }) });

const TRANSACTIONS: Readonly<Record<string, Deal>> = { SELL: "sale", RENT: "rent", sprzedaz: "sale", wynajem: "rent" };
const ESTATES: Readonly<Record<string, Property>> = {
  FLAT: "flat", HOUSE: "house", ROOM: "room", TERRAIN: "plot",
  mieszkanie: "flat", dom: "house", pokoj: "room", dzialka: "plot",
};

/**
 * The one mapping from a parsed Otodom `__NEXT_DATA__` to listings: a search
 * page (`props.pageProps.data.searchAds.items`) or an ad page (`props.pageProps.ad`).
 *
 * Skipped, not errors (they are what the page is meant to hold, not defects):
 * developer INVESTMENT tiles (a project with many units, no single price or
 * size) and the promoted copy of a listing (`href` "hpr/…", fake id, date 1999).
 *
 * @throws PageError("format") when the object is neither page kind
 */
export function parseOtodomNextData(nextData: unknown): OtodomPage {
  const search = SearchPage.safeParse(nextData);
  if (search.success) {
    const { items, pagination } = search.data.props.pageProps.data.searchAds;
    const current = pagination?.currentPage ?? pagination?.page ?? null;
    const total = pagination?.totalPages ?? null;
    return {
      ...readItems(items, searchItemToListing),
      hasNextPage: current !== null && total !== null && current < total,
    };
  }
  const ad = AdPage.safeParse(nextData);
  if (ad.success && ad.data.props.pageProps.ad) {
    return { ...readItems([ad.data.props.pageProps.ad], adToListing), hasNextPage: false };
  }
  throw new PageError("format", "__NEXT_DATA__ holds neither searchAds.items nor an ad");
}

/**
 * What an Otodom ad says, from a search item or an ad page: the two keep the
 * same facts in different places. Each gathers them here, most already as the
 * Listing's own fields; otodomAdToListing makes the rest of the decisions once.
 */
interface OtodomAd extends Omit<Listing, "source" | "externalId" | "url" | "currency" | "pricePerM2" | "photoUrl" | "property"> {
  id: number | string;
  /** The ad's slug, e.g. "kawalerka-warszawa-ul-fundamentowa-ID47bq4"; "" when none. */
  slug: string;
  currency: string | null | undefined;
  /** Otodom's own price per m², when it gives one. */
  pricePerM2: number | null | undefined;
  images: { medium?: string | null; large?: string | null }[] | null | undefined;
  /** The estate as the page writes it (FLAT, mieszkanie, ...). */
  estate: string | null | undefined;
}

/** A voivodeship as both sites fold it ("małopolskie" → "malopolskie"); null when not given. */
const folded = (name: string | null | undefined) => (name ? fold(name) : null);

/**
 * One search item → Listing.
 * - city/district: `location.address.city` and the `district` level of `reverseGeocoding` (2026);
 *   region: `address.province`, else the `voivodeship` level's id;
 *   2021 items only have `locationLabel` "Warszawa, Praga-Południe, Gocław" (city, district, …).
 * - lat/lon: search items carry none (null).
 * - price null when `hidePrice` ("Zapytaj o cenę") or absent: not a warning, the ad says so.
 * - publishedAt: `pushedUpAt` (ISO with offset), else `dateCreated` (Warsaw wall clock), else
 *   `createdAtFirst`, read as Warsaw wall clock: its "Z" is wrong (a 2026 capture has items
 *   "created" two hours after it was saved). 2021 items have no date: null.
 * - firstListedAt: `createdAtFirst` (as above), which a bump leaves alone while `dateCreated`
 *   becomes `pushedUpAt` (the 2026 Gdańsk item); bumpedAt: `pushedUpAt` when it is later.
 * - floor: `floorNumber` ("GROUND", "FIRST", …).
 */
export function searchItemToListing(raw: unknown, warn: (message: string) => void): Listing | Skipped {
  const item = SearchItem.parse(raw);
  if (item.estate === "INVESTMENT") return skip("developer project tile (INVESTMENT)");
  if (item.href?.startsWith("hpr/") || item.dateCreated?.startsWith("1999-")) {
    return skip("promoted duplicate (hpr/)");
  }
  const levels = item.location?.reverseGeocoding?.locations ?? [];
  const label = (item.locationLabel?.value ?? "").split(",").map((s) => s.trim());
  const labelDistrict = label[1] && !/^(ul\.|al\.|pl\.)/i.test(label[1]) ? label[1] : null;
  const pushedUpAt = readIsoTime(item.pushedUpAt, warn);
  const firstListedAt = readWarsawTime(item.createdAtFirst?.replace(/Z$/, ""), warn);
  return otodomAdToListing({
    id: item.id,
    slug: item.slug || item.href?.replace(/^\[lang\]\/ad\//, "") || "",
    title: item.title,
    price: item.hidePrice ? null : (item.totalPrice?.value ?? null),
    currency: item.totalPrice?.currency,
    rent: item.rentPrice?.value ?? null,
    areaM2: item.areaInSquareMeters ?? null,
    rooms: lookup(OTODOM_ROOMS, item.roomsNumber, "rooms value", warn),
    pricePerM2: item.pricePerSquareMeter?.value,
    floor: floorFromOtodomOrdinal(item.floorNumber),
    city:
      item.location?.address?.city?.name ||
      levels.find((l) => l.locationLevel === "city_or_village")?.name ||
      label[0] ||
      null,
    district: levels.find((l) => l.locationLevel === "district")?.name || labelDistrict,
    olxCityId: null,
    region: folded(item.location?.address?.province?.name || levels.find((l) => l.locationLevel === "voivodeship")?.id),
    lat: null,
    lon: null,
    isPrivate: item.isPrivateOwner ?? null,
    images: item.images,
    deal: lookup(TRANSACTIONS, item.transaction, "transaction", warn),
    estate: item.estate,
    publishedAt: pushedUpAt ?? readWarsawTime(item.dateCreated, warn) ?? firstListedAt,
    firstListedAt,
    bumpedAt: bumpAfter(firstListedAt, pushedUpAt),
  });
}

/**
 * An ad page's `ad` → Listing: numbers come as strings in `characteristics[]`
 * (price, m, rooms_num, price_per_m, rent), places in `location.geoLevels`,
 * coordinates in `location.coordinates`, the storey in `floor_no`, deal/property in `adCategory` or the
 * 2021 `target.OfferType/ProperType`, the seller kind in `advertiserType`.
 */
export function adToListing(raw: unknown, warn: (message: string) => void): Listing {
  const ad = AdItem.parse(raw);
  const chars = new Map((ad.characteristics ?? []).map((c) => [c.key, c]));
  const number = (key: string) => parseDecimal(chars.get(key)?.value?.toString());
  const level = (type: string) => ad.location?.geoLevels?.find((l) => l.type === type)?.label || null;
  const roomsText = chars.get("rooms_num")?.value?.toString() ?? null;
  const advertiser = ad.advertiserType?.toLowerCase();
  return otodomAdToListing({
    id: ad.id,
    slug: ad.slug || ad.url?.replace(/^.*\/oferta\//, "").replace(/\.html$/, "") || "",
    title: ad.title,
    price: number("price"),
    currency: chars.get("price")?.currency,
    rent: number("rent"),
    areaM2: number("m"),
    rooms: roomsText === null ? null : (parseDecimal(roomsText) ?? lookup(OTODOM_ROOMS, roomsText.toUpperCase(), "rooms value", warn)),
    pricePerM2: number("price_per_m"),
    floor: floorFromKey(chars.get("floor_no")?.value?.toString()),
    city: level("city"),
    district: level("district"),
    olxCityId: null,
    region: folded(level("region")),
    lat: ad.location?.coordinates?.latitude ?? null,
    lon: ad.location?.coordinates?.longitude ?? null,
    isPrivate: advertiser === "private" ? true : advertiser === "business" ? false : null,
    images: ad.images,
    deal: lookup(TRANSACTIONS, ad.adCategory?.type ?? ad.target?.OfferType, "deal", warn),
    estate: ad.adCategory?.name ?? ad.target?.ProperType,
    publishedAt: readIsoTime(ad.createdAt, warn) ?? readWarsawTime(ad.dateCreated, warn),
    // An ad page says when it was created, not whether it was pushed up since.
    firstListedAt: readIsoTime(ad.createdAt, warn) ?? readWarsawTime(ad.dateCreated, warn),
    bumpedAt: null,
  });
}

/** The decisions both page kinds share: the url from the slug, no currency without a price, price per m², the photo, the property. */
function otodomAdToListing({ id, slug, currency, pricePerM2, images, estate, ...facts }: OtodomAd): Listing {
  return {
    ...facts,
    source: "otodom",
    externalId: String(id),
    url: slug ? OTODOM_AD_URL + slug : "",
    currency: facts.price === null ? null : currency || null,
    pricePerM2: pricePerM2 ?? perSquareMetre(facts.price, facts.areaM2),
    photoUrl: images?.[0]?.medium || images?.[0]?.large || null,
    property: estate ? (ESTATES[estate] ?? "other") : null,
  };
}
