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
