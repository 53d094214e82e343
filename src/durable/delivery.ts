import type { Listing } from "../sources/listing.ts";

/** A listing as stored in D1 and carried to the notifier. */
export interface StoredListing extends Listing {
  id: number;
  /** When the parser first saw it (ms since epoch). */
  firstSeenAt: number;
}

/** Who a Notifier object sends to. */
export interface Recipient {
  userId: number;
  chatId: number;
  language: "pl" | "en";
  /** Synthetic user: record instead of calling Telegram. */
  isMock: boolean;
}

/** One match to deliver: the filter hands a user's batch of these to their Notifier in one RPC. */
export interface Delivery {
  /** notifications.id in D1; the Notifier outbox is keyed by it, so a repeated hand-over is harmless. */
  notificationId: number;
  searchId: number | null;
  searchName: string;
  matchedAt: number;
  listing: StoredListing;
}
