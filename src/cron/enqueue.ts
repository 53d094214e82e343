import { markEnqueuedStatement } from "../db/listings.ts";
import type { NewListingsMessage } from "../model/queue-message.ts";

/**
 * Sends listing ids to the filter, new ones and stored ones whose price
 * dropped (`repriced`, not recorded: a lost one costs a reply, never a card),
 * then records that the new ones were sent. If the
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
  repriced: readonly number[] = [],
): Promise<number> {
  if (ids.length === 0 && repriced.length === 0) return 0;
  const body: NewListingsMessage = { listingIds: [...ids, ...repriced], feedId, enqueuedAt: now, ...(repriced.length ? { repriced: [...repriced] } : {}) };
  await queue.send(body, { contentType: "json" });
  if (ids.length === 0) return 0;
  return (await markEnqueuedStatement(d1, ids, now).run()).meta.rows_written;
}
