import type { Source, StoredListing } from "./listing.ts";
import { type PriceChange, priceChange } from "./price-change.ts";

/**
 * What one chat was told of one flat: the Notifier remembers it (src/durable/told-flats.ts) so a
 * later ad of the flat (a repost, a cross-post, a bump under a new id, a new price) is no new card.
 */
export interface ToldFlat {
  /** The message the flat first came in (a card or a digest part); null: unknown (it is then not replied to). */
  messageId: number | null;
  /** The price last told: the first card's, then each price drop's. */
  price: number | null;
  currency: string | null;
  /** The sites the chat was told of it on. */
  sources: Source[];
}

/** What a later ad of a told flat adds, answered as a reply to the flat's first message. */
export interface FollowUp {
  /** Cheaper by at least the threshold than the price last told. */
  drop: PriceChange | null;
  /** On a site the chat was not told of it on. */
  newSite: boolean;
}

type Ad = Pick<StoredListing, "price" | "currency" | "source">;

/**
 * Whether a later ad of a told flat is worth a reply: a price at least `thresholdPct` % below the
 * one last told (a rise, or a smaller drop, is not), or another site. Null: it adds nothing, and is
 * merged silently. Prices in different currencies are not compared.
 *
 * @example followUpOf({ messageId: 7, price: 3000, currency: "PLN", sources: ["olx"] }, { price: 2800, currency: "PLN", source: "olx" }, 3) // a drop
 */
export function followUpOf(told: ToldFlat, ad: Ad, thresholdPct: number): FollowUp | null {
  const comparable = (told.currency ?? "PLN") === (ad.currency ?? "PLN");
  const change = comparable ? priceChange(told.price, ad.price, thresholdPct) : null;
  const drop = change?.kind === "drop" ? change : null;
  const newSite = !told.sources.includes(ad.source);
  return drop || newSite ? { drop, newSite } : null;
}

/** What the chat has been told once the follow-up went: the dropped price, the new site. */
export function toldAfter(told: ToldFlat, ad: Ad, followUp: FollowUp): ToldFlat {
  return {
    ...told,
    price: followUp.drop ? followUp.drop.newPrice : told.price,
    sources: followUp.newSite ? [...told.sources, ad.source] : told.sources,
  };
}
