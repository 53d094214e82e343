import { markEnqueuedStatement } from "../db/listings.ts";
import type { NewListingsMessage } from "../model/queue-message.ts";

/**
 * Sends listing ids to the filter, then records that they were sent. If the
 * send fails the listings stay unqueued in D1 and the next tick's sweep sends
 * them; if the record fails they may be sent twice, which the filter absorbs
 * (one notification per user and listing).
 *
 * @returns the D1 rows the record wrote
 */
export async function enqueueListings(
  queue: Queue,
  d1: D1Database,
  feedId: number,
  ids: readonly number[],
  now: number,
): Promise<number> {
  if (ids.length === 0) return 0;
  const body: NewListingsMessage = { listingIds: [...ids], feedId, enqueuedAt: now };
  await queue.send(body, { contentType: "json" });
  return (await markEnqueuedStatement(d1, ids, now).run()).meta.rows_written;
}
