import { lt } from "drizzle-orm";
import type { Db } from "./client.ts";
import { usedLoginLinks } from "./schema.ts";

/**
 * Marks a settings-page login link used; false when it already was (a
 * replay). Expired marks are dropped in the same batch: a link past its
 * expiry fails verification anyway.
 *
 * @param nonce the link's identity
 * @param expiresAt when the link stops working (ms)
 */
export async function redeemLoginNonce(db: Db, nonce: string, expiresAt: number, now: number): Promise<boolean> {
  const [, inserted] = await db.batch([
    db.delete(usedLoginLinks).where(lt(usedLoginLinks.expiresAt, now)),
    db.insert(usedLoginLinks).values({ nonce, expiresAt }).onConflictDoNothing().returning({ nonce: usedLoginLinks.nonce }),
  ]);
  return inserted.length === 1;
}
