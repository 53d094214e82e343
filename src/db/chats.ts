import { and, asc, eq, inArray, isNotNull, isNull, or } from "drizzle-orm";
import type { Language } from "../model/language.ts";
import { type Db, asD1Statement, useDb } from "./client.ts";
import { chats, savedSearches, users } from "./schema.ts";
import { bumpSearchVersionStatement } from "./settings.ts";

/**
 * The chats table: the groups and supergroups the bot was added to, which
 * searches may deliver to (saved_searches.chat_id). A chat the bot left stays
 * (leftAt), so nothing is delivered there and its searches can say where they
 * went; every change that moves searches bumps the search version in the same
 * batch, as src/db/saved-searches.ts does, so filter caches reload.
 */

export type Chat = typeof chats.$inferSelect;
export type ChatType = Chat["type"];

/**
 * The bot was added to a group (my_chat_member: member or administrator), or
 * is still in one whose title changed: the row is written or refreshed and
 * leftAt cleared. The user who added it is kept if the update names nobody we know.
 *
 * @param addedBy users.id of who added the bot; null: someone who has not started it
 */
export async function upsertChat(db: Db, chat: { chatId: number; title: string; type: ChatType; addedBy: number | null; now: number }): Promise<void> {
  await db
    .insert(chats)
    .values({ chatId: chat.chatId, title: chat.title, type: chat.type, addedBy: chat.addedBy, leftAt: null, updatedAt: chat.now })
    .onConflictDoUpdate({
      target: chats.chatId,
      set: { title: chat.title, type: chat.type, leftAt: null, updatedAt: chat.now, ...(chat.addedBy === null ? {} : { addedBy: chat.addedBy }) },
    });
}

/** One chat, gone or not; null when the bot was never added to it. */
export async function getChat(db: Db, chatId: number): Promise<Chat | null> {
  const [row] = await db.select().from(chats).where(eq(chats.chatId, chatId));
  return row ?? null;
}

/**
 * The groups a user may point a search at without asking Telegram: those the
 * bot is in that the user added it to or already delivers a search to. Who
 * else is a member only Telegram knows (getChatMember, src/bot/groups.ts);
 * the settings page offers and accepts these only.
 */
export async function usableChats(db: Db, userId: number): Promise<Chat[]> {
  const chosen = db.select({ chatId: savedSearches.chatId }).from(savedSearches).where(and(eq(savedSearches.userId, userId), isNotNull(savedSearches.chatId)));
  return db
    .select()
    .from(chats)
    .where(and(isNull(chats.leftAt), or(eq(chats.addedBy, userId), inArray(chats.chatId, chosen))))
    .orderBy(asc(chats.title), asc(chats.chatId));
}

/** An owner whose search delivered to a chat, with what the bot needs to tell them. */
export interface ChatOwner {
  userId: number;
  chatId: number;
  language: Language;
  searchIds: number[];
}

/** The owners of the searches that deliver to a chat (before chatGoneStatements moves them), one entry per owner. */
export async function ownersInChat(db: Db, chatId: number): Promise<ChatOwner[]> {
  const rows = await db
    .select({ userId: users.id, chatId: users.chatId, language: users.language, searchId: savedSearches.id })
    .from(savedSearches)
    .innerJoin(users, eq(users.id, savedSearches.userId))
    .where(eq(savedSearches.chatId, chatId))
    .orderBy(asc(savedSearches.id));
  const owners = new Map<number, ChatOwner>();
  for (const row of rows) {
    const owner = owners.get(row.userId) ?? { userId: row.userId, chatId: row.chatId, language: row.language, searchIds: [] };
    owner.searchIds.push(row.searchId);
    owners.set(row.userId, owner);
  }
  return [...owners.values()];
}

/**
 * The bot is no longer in a chat (removed, the group deleted, or Telegram's
 * 403 to a send there): the chat is marked left and every search that
 * delivered there goes back to its owner's private chat. Plain statements, so
 * the Notifier's bookkeeping can put them in its own batch.
 */
export function chatGoneStatements(d1: D1Database, chatId: number, at: number): D1PreparedStatement[] {
  const db = useDb(d1);
  return [
    asD1Statement(d1, db.update(savedSearches).set({ chatId: null, updatedAt: at }).where(eq(savedSearches.chatId, chatId))),
    asD1Statement(d1, db.update(chats).set({ leftAt: at, updatedAt: at }).where(and(eq(chats.chatId, chatId), isNull(chats.leftAt)))),
    bumpSearchVersionStatement(d1),
  ];
}

/** Runs chatGoneStatements as one batch. */
export async function markChatGone(d1: D1Database, chatId: number, at: number): Promise<void> {
  await d1.batch(chatGoneStatements(d1, chatId, at));
}

/**
 * A group became a supergroup (Telegram's migrate_to_chat_id): the chat gets
 * its new id and its searches follow, in one batch. The new row is written
 * before the searches point at it (the foreign key), the old one is marked
 * left (a send to the old id fails anyway).
 */
export async function moveChat(d1: D1Database, from: number, to: number, now: number): Promise<void> {
  const db = useDb(d1);
  const old = await getChat(db, from);
  if (!old) return;
  const copy = db
    .insert(chats)
    .values({ ...old, chatId: to, type: "supergroup", leftAt: null, updatedAt: now })
    .onConflictDoUpdate({ target: chats.chatId, set: { leftAt: null, updatedAt: now } });
  await d1.batch([
    asD1Statement(d1, copy),
    asD1Statement(d1, db.update(savedSearches).set({ chatId: to, updatedAt: now }).where(eq(savedSearches.chatId, from))),
    asD1Statement(d1, db.update(chats).set({ leftAt: now, updatedAt: now }).where(eq(chats.chatId, from))),
    bumpSearchVersionStatement(d1),
  ]);
}

/** Chats of a restored export that D1 lacks (src/db/backup.ts). */
export function insertMissingChats(db: Db, rows: Chat[]) {
  return db.insert(chats).values(rows).onConflictDoNothing().returning({ chatId: chats.chatId });
}
