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
  /** No messages in this Europe/Warsaw window (what arrives is kept and sent as one digest after); null: none. */
  quietHours: QuietHours | null;
  /** More queued messages than this go out as one digest; null: the default. */
  digestThreshold: number | null;
}

/** A daily window in Europe/Warsaw wall-clock minutes after midnight; start > end wraps past midnight. */
export interface QuietHours {
  startMin: number;
  endMin: number;
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
