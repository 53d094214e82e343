import type { StoredListing } from "./listing.ts";
import type { MarketComparison } from "./price-median.ts";

/** One match to deliver: the filter hands a user's batch of these to their Notifier in one RPC. */
export interface Delivery {
  /** notifications.id in D1; the Notifier outbox is keyed by it, so a repeated hand-over is harmless. */
  notificationId: number;
  searchId: number | null;
  searchName: string;
  matchedAt: number;
  /** How many users this listing went to in its batch: a large fan-out waits behind small ones (durable/send-line.ts). */
  fanout: number;
  listing: StoredListing;
  /**
   * Its price per m² against the stored medians (src/model/price-median.ts compareToMedian), when
   * a large enough sample exists; absent or null: the card says nothing about it.
   */
  market?: MarketComparison | null;
  /**
   * The ad's price dropped and the chat was told of its flat before: a reply at most (a drop of at
   * least the user's threshold vs the price last told), never a card. Its notificationId is the
   * Notifier's own (negative): it has no notifications row.
   */
  priceUpdate?: boolean;
}
