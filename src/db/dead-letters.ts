import { and, asc, gt, inArray, isNull } from "drizzle-orm";
import type { Db } from "./client.ts";
import { deadLetters } from "./schema.ts";

export type DeadLetter = typeof deadLetters.$inferInsert;

/** Bodies are cut here: a dead letter is for reading, and D1 rows have a size limit. */
const BODY_CAP = 10_000; // characters

/** A queue message as a dead letter: its body as JSON, cut to BODY_CAP. */
export function deadLetterOf(queue: string, message: { body: unknown; attempts: number }, receivedAt: number): DeadLetter {
  return { queue, body: JSON.stringify(message.body ?? null).slice(0, BODY_CAP), attempts: message.attempts, receivedAt };
}

/** Keeps what failed for good: one round trip, a statement per row (D1 binds at most 100 values to one). */
export async function insertDeadLetters(db: Db, rows: readonly DeadLetter[]): Promise<void> {
  const [first, ...rest] = rows.map((row) => db.insert(deadLetters).values(row));
  if (first) await db.batch([first, ...rest]);
}

export type StoredDeadLetter = Pick<typeof deadLetters.$inferSelect, "id" | "queue" | "body">;

/** Dead letters not yet put back on their queue, oldest first, after id `afterId`, at most `limit`. */
export function unreplayedDeadLetters(db: Db, afterId: number, limit: number): Promise<StoredDeadLetter[]> {
  return db
    .select({ id: deadLetters.id, queue: deadLetters.queue, body: deadLetters.body })
    .from(deadLetters)
    .where(and(isNull(deadLetters.replayedAt), gt(deadLetters.id, afterId)))
    .orderBy(asc(deadLetters.id))
    .limit(limit);
}

/** Marks dead letters replayed; only those not marked yet, so a second replay counts nothing. @returns the ids it marked */
export async function markReplayed(db: Db, ids: readonly number[], now: number): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(deadLetters)
    .set({ replayedAt: now })
    .where(and(inArray(deadLetters.id, [...ids]), isNull(deadLetters.replayedAt)))
    .returning({ id: deadLetters.id });
  return rows.map((r) => r.id);
}
