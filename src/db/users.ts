import { and, eq, isNull } from "drizzle-orm";
import type { Language } from "../model/language.ts";
import { type AccountSettings, type Recipient, quietHoursOf } from "../model/recipient.ts";
import { type Db, asD1Statement, useDb } from "./client.ts";
import { users } from "./schema.ts";
import { bumpSearchVersion, bumpSearchVersionStatement } from "./settings.ts";

/**
 * The users table, and the only module that writes it. Every write that
 * changes what the filter or a Notifier must know (pause, language, quiet
 * hours, digest threshold, blocked) bumps the search version in the same
 * batch; src/account/ adds telling the user's Notifier where it matters.
 */

export type User = typeof users.$inferSelect;

/** Who a Notifier sends to, as the user's row says. */
export function recipientOf(user: User): Recipient {
  return {
    userId: user.id,
    chatId: user.chatId,
    language: user.language,
    isMock: user.isMock,
    quietHours: quietHoursOf(user.quietStartMin, user.quietEndMin),
    digestThreshold: user.digestThreshold,
    priceDropPct: user.priceDropPct,
  };
}

/** The user a Telegram account is (a query: await it, or put it in a batch). */
export function userByTelegramId(db: Db, telegramId: number) {
  return db.select().from(users).where(eq(users.telegramId, telegramId));
}

/** The user a Telegram account is; null before they registered. */
export async function findUser(db: Db, telegramId: number): Promise<User | null> {
  const [row] = await userByTelegramId(db, telegramId);
  return row ?? null;
}

/**
 * Registers a Telegram user (/start, or a first visit to the Mini App, whose
 * initData vouches for them), or welcomes them back: a returning user keeps
 * the language they chose, gets their chat id refreshed and any block
 * cleared (they talk to the bot again).
 *
 * @param language for a new user: from Telegram's language_code
 */
export async function registerUser(db: Db, who: { telegramId: number; chatId: number; language: Language; now: number }): Promise<User> {
  const [rows] = await db.batch([
    db
      .insert(users)
      .values({ telegramId: who.telegramId, chatId: who.chatId, language: who.language, createdAt: who.now })
      .onConflictDoUpdate({ target: users.telegramId, set: { chatId: who.chatId, blockedAt: null } })
      .returning(),
    bumpSearchVersion(db),
  ]);
  const [user] = rows;
  if (!user) throw new Error("registerUser: the upsert returned no row");
  return user;
}

/** Applies one change to a user and bumps the version; @returns the row after it, or null when there is no such user */
async function change(db: Db, userId: number, set: Partial<Omit<User, "id" | "telegramId" | "createdAt">>): Promise<User | null> {
  const [rows] = await db.batch([db.update(users).set(set).where(eq(users.id, userId)).returning(), bumpSearchVersion(db)]);
  return rows[0] ?? null;
}

/** /lang: messages (also those already queued) switch language. */
export function setLanguage(db: Db, userId: number, language: Language): Promise<User | null> {
  return change(db, userId, { language });
}

/** /pause and /resume: all of the user's notifications. */
export function setPaused(db: Db, userId: number, paused: boolean): Promise<User | null> {
  return change(db, userId, { paused });
}

/** The settings page's account form: pause, language, quiet hours, digest threshold at once. */
export function saveAccountSettings(db: Db, userId: number, s: AccountSettings): Promise<User | null> {
  return change(db, userId, {
    paused: s.paused,
    language: s.language,
    quietStartMin: s.quietHours?.startMin ?? null,
    quietEndMin: s.quietHours?.endMin ?? null,
    digestThreshold: s.digestThreshold,
    priceDropPct: s.priceDropPct,
  });
}

/** The user blocked the bot in their chat (Telegram's my_chat_member "kicked") or unblocked it ("member"). */
export async function setBlockedByTelegramId(db: Db, telegramId: number, blockedAt: number | null): Promise<void> {
  await db.batch([db.update(users).set({ blockedAt }).where(eq(users.telegramId, telegramId)), bumpSearchVersion(db)]);
}

/**
 * Telegram answered 403 to a send: the filter skips the user until they come
 * back (/start clears it). Plain statements, for the Notifier's batch.
 */
export function markBlockedStatements(d1: D1Database, userId: number, at: number): D1PreparedStatement[] {
  const update = useDb(d1)
    .update(users)
    .set({ blockedAt: at })
    .where(and(eq(users.id, userId), isNull(users.blockedAt)));
  return [asD1Statement(d1, update), bumpSearchVersionStatement(d1)];
}

/** Users of a restored export that D1 lacks, with their ids; rows D1 has are left as they are (src/db/backup.ts). */
export function insertMissingUsers(db: Db, rows: User[]) {
  return db.insert(users).values(rows).onConflictDoNothing().returning({ id: users.id });
}
