/** The two platforms GetMeOne watches. */
export const SOURCES = ["olx", "otodom"] as const;
export type Source = (typeof SOURCES)[number];

export const DEALS = ["rent", "sale"] as const;
export type Deal = (typeof DEALS)[number];

export const PROPERTIES = ["flat", "house", "room", "plot", "garage", "commercial", "other"] as const;
export type Property = (typeof PROPERTIES)[number];

/**
 * One listing as every stage after the parser sees it, whatever site or page
 * format it came from. A value the format does not carry is null, never guessed.
 */
export interface Listing {
  source: Source;
  /** The platform's own id, as a string (OLX ids are numbers, Otodom's too, but both are opaque here). */
  externalId: string;
  url: string;
  title: string;
  /** Asking price (monthly rent for rentals); null when hidden or not a number. */
  price: number | null;
  currency: string | null;
  /** Rent extras paid on top of the price (OLX "Czynsz (dodatkowo)", Otodom rentPrice), PLN. */
  rent: number | null;
  areaM2: number | null;
  /** Number of rooms; OLX "4 i więcej" reads as 4, Otodom "MORE" as 10. */
  rooms: number | null;
  pricePerM2: number | null;
  /** Storey: 0 ground floor, -1 basement; null when not given or not a number (attic, "above 10th"). */
  floor: number | null;
  city: string | null;
  district: string | null;
  /** The site's own id of the city (OLX `location.city.id`); null where the site gives none (Otodom). */
  olxCityId: number | null;
  /** The voivodeship, folded as both sites spell it ("malopolskie"); null when the page does not say. */
  region: string | null;
  lat: number | null;
  lon: number | null;
  /** true: private owner; false: agency or developer; null: the page does not say. */
  isPrivate: boolean | null;
  photoUrl: string | null;
  deal: Deal | null;
  property: Property | null;
  /**
   * The platform's own creation/refresh time, ms since the epoch; null when it
   * gives none. Read once, by the parser; D1, the filter and the Notifier
   * carry the number as it is.
   */
  publishedAt: number | null;
  /**
   * When the ad was first published (OLX `created_time`, Otodom `createdAtFirst`), ms; null when
   * the page does not say. Unlike publishedAt it does not move when the ad is bumped.
   */
  firstListedAt: number | null;
  /**
   * When the ad was last pushed back to the top of the results (OLX `pushup_time` or a later
   * refresh, Otodom `pushedUpAt`) after it was first listed, ms; null: never bumped, or unknown.
   */
  bumpedAt: number | null;
}

/**
 * A listing as stored in D1 and carried to the notifier. The site's own
 * references to its place (OLX's city id, the voivodeship) are resolved to
 * our city once, by the poller, and not kept.
 */
export interface StoredListing extends Omit<Listing, "olxCityId" | "region"> {
  id: number;
  /** When the parser first saw it (ms since epoch). */
  firstSeenAt: number;
  /**
   * The flat this ad shows (src/model/flat.ts): the dedup key of the first ad of the same flat we
   * stored, its own dedup key when none; null for rows stored before flats were recognised.
   */
  flatKey: string | null;
}

/** A bump this long after the first listing is worth saying: "first listed 3 weeks ago". */
export const RELISTED_NOTE_AFTER_MS = 24 * 3_600_000;

/**
 * When a bumped ad was first listed, if that is worth telling the user (a bump more than
 * RELISTED_NOTE_AFTER_MS after the first listing); else null. A bump makes an old ad look new
 * in the feeds; the user should know it is not.
 *
 * @example relistedSince({ firstListedAt: t, bumpedAt: t + 21 * DAY }) // t
 */
export function relistedSince(listing: Pick<Listing, "firstListedAt" | "bumpedAt">): number | null {
  const { firstListedAt, bumpedAt } = listing;
  if (firstListedAt === null || bumpedAt === null) return null;
  return bumpedAt - firstListedAt >= RELISTED_NOTE_AFTER_MS ? firstListedAt : null;
}

/**
 * The moment the listing went public, as well as we know it (ms since
 * epoch): the platform's time, else when the parser first saw it. Every
 * end-to-end figure starts here.
 */
export function listingTime(listing: Pick<StoredListing, "publishedAt" | "firstSeenAt">): number {
  const published = listing.publishedAt;
  // Number.isFinite, not a null check: an outbox row stored before publishedAt
  // became a number still carries its ISO text, and that must not become NaN.
  return published !== null && Number.isFinite(published) ? published : listing.firstSeenAt;
}
