import { z } from "zod";

/**
 * What travels on the NEW_LISTINGS queue: ids of listings already saved in D1
 * (saved before queued), one message per fetched page, so the first listings
 * reach the filter before the cron has read the whole feed.
 */
export const newListingsMessage = z.object({
  listingIds: z.array(z.number().int().positive()).min(1).max(500),
  /**
   * Those of listingIds that are stored ads whose price dropped (not new): the chats told of their
   * flat may get a reply. Absent: all are new.
   */
  repriced: z.array(z.number().int().positive()).max(500).optional(),
  feedId: z.number().int().positive(),
  /** ms since epoch, for the queued -> matched stage time. */
  enqueuedAt: z.number().int().nonnegative(),
});
export type NewListingsMessage = z.infer<typeof newListingsMessage>;
