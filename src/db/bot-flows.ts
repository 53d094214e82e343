import { eq } from "drizzle-orm";
import type { Db } from "./client.ts";
import { botFlows } from "./schema.ts";

/**
 * The bot_flows table: one conversation in progress per user (the /new
 * wizard, a pasted link awaiting confirmation, an edit). What a flow holds is
 * src/bot/wizard/flow.ts's; this module stores and finds it.
 */

export type FlowRow = typeof botFlows.$inferSelect;

/** An untouched flow this old is forgotten: the user moved on (and the hourly prune deletes it). */
export const FLOW_TTL_MS = 24 * 60 * 60 * 1000;

/** The user's stored flow, whatever its age or shape (the caller judges both). */
export async function findFlow(db: Db, telegramId: number): Promise<FlowRow | null> {
  const [row] = await db.select().from(botFlows).where(eq(botFlows.telegramId, telegramId));
  return row ?? null;
}

/** Stores the user's flow, replacing the one they had. */
export async function saveFlow(db: Db, row: FlowRow): Promise<void> {
  const { telegramId: _id, ...rest } = row;
  await db.insert(botFlows).values(row).onConflictDoUpdate({ target: botFlows.telegramId, set: rest });
}

/** Forgets the user's flow. */
export async function clearFlow(db: Db, telegramId: number): Promise<void> {
  await db.delete(botFlows).where(eq(botFlows.telegramId, telegramId));
}

/**
 * Takes the user's flow away in one statement, so of two taps on Save only
 * the first finds it. @returns whether this call took it
 */
export async function claimFlow(db: Db, telegramId: number): Promise<boolean> {
  const taken = await db.delete(botFlows).where(eq(botFlows.telegramId, telegramId)).returning({ telegramId: botFlows.telegramId });
  return taken.length > 0;
}
