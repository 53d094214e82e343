import type { StoredListing } from "./listing.ts";

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
}
