import type { Source, StoredListing } from "./listing.ts";
import { type PriceChange, priceChange } from "./price-change.ts";

/** One ad of a told flat, as the chat can open it from the flat's first message. */
export interface ToldAd {
  url: string;
  source: Source;
  price: number | null;
}

/**
 * What one chat was told of one flat: the Notifier remembers it (src/durable/told-flats.ts) so a
 * later ad of the flat (a repost, a cross-post, a bump under a new id, a new price) is no new card.
 */
export interface ToldFlat {
  /** The message the flat first came in (a card or a digest part); null: unknown (it is then not replied to). */
  messageId: number | null;
  /** That message is the flat's own card, whose buttons can list every ad; false: a digest line. */
  card: boolean;
  /** The search the card named (its mute button). */
  searchId: number | null;
  /** The price last told: the first card's, then each price drop's. */
  price: number | null;
  currency: string | null;
  /** The ads the chat can open from the thread, the card's own first; at most MAX_TOLD_ADS. */
  ads: ToldAd[];
}

/** Ads a card's buttons list at most (the first and the newest): a keyboard stays a few rows. */
export const MAX_TOLD_ADS = 6;

/**
 * What a later ad of a told flat adds. `reply`: an answer to the flat's first message, because
 * it is cheaper by at least the threshold than the price last told, or on a site the chat was not
 * told of it on. `buttons`: nothing worth a notification, but an ad the chat cannot open yet (a
 * repost under a new link): the card's buttons are edited to list it, silently.
 */
export type FollowUp = { kind: "reply"; drop: PriceChange | null; newSite: boolean } | { kind: "buttons" };

type Ad = Pick<StoredListing, "price" | "currency" | "source" | "url">;

/**
 * Whether a later ad of a told flat is worth a reply (a price at least `thresholdPct` % below the
 * one last told, or another site; a rise or a smaller drop is not), else a silent edit of the
 * card's buttons (a link the chat does not have), else nothing (null: merged). Prices in
 * different currencies are not compared.
 *
 * @example followUpOf(told3000OnOlx, { price: 2800, currency: "PLN", source: "olx", url }, 3) // a reply: a drop
 */
export function followUpOf(told: ToldFlat, ad: Ad, thresholdPct: number): FollowUp | null {
  const comparable = (told.currency ?? "PLN") === (ad.currency ?? "PLN");
  const change = comparable ? priceChange(told.price, ad.price, thresholdPct) : null;
  const drop = change?.kind === "drop" ? change : null;
  const newSite = !told.ads.some((a) => a.source === ad.source);
  if (drop || newSite) return { kind: "reply", drop, newSite };
  const newLink = !told.ads.some((a) => a.url === ad.url);
  return newLink && told.card && told.messageId !== null ? { kind: "buttons" } : null;
}

/** What the chat has been told once the follow-up went: the dropped price, the ad among the flat's. */
export function toldAfter(told: ToldFlat, ad: Ad, followUp: FollowUp): ToldFlat {
  const known = told.ads.some((a) => a.url === ad.url);
  const ads = known ? told.ads : [...told.ads, { url: ad.url, source: ad.source, price: ad.price }];
  return {
    ...told,
    price: followUp.kind === "reply" && followUp.drop ? followUp.drop.newPrice : told.price,
    // The card's own ad stays first; beyond the cap, the oldest of the later ones goes.
    ads: ads.length > MAX_TOLD_ADS ? [...ads.slice(0, 1), ...ads.slice(ads.length - MAX_TOLD_ADS + 1)] : ads,
  };
}
