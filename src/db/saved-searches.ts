import { and, asc, eq, getTableColumns, isNull, sql } from "drizzle-orm";
import type { Recipient } from "../model/recipient.ts";
import { recipientOf } from "./users.ts";
import type { SearchCriteria, SearchDraft } from "../model/search.ts";
import { type Db, asD1Statement, useDb } from "./client.ts";
import { inJsonList, rowsOf } from "./json-list.ts";
import { chats, locations, savedSearches, users } from "./schema.ts";
import { bumpSearchVersionStatement } from "./settings.ts";

/**
 * The saved_searches table. As their owner manages them (bot and settings
 * page) every read and write is scoped by the owner's user id: an id from a
 * button or a URL names nothing of anyone else's. Every write bumps the
 * search version in the same batch, so filter caches and the cron follow.
 * The callers that must also tell the user's Notifier go through
 * src/account/ (deleting or muting drops what was queued for the search).
 */

type SearchRow = typeof savedSearches.$inferSelect;

/** A saved search with its id, state, city name and where it delivers, as lists show it. */
export interface SavedSearch extends SearchDraft {
  id: number;
  active: boolean;
  cityName: string;
  /** The group it delivers to (src/db/chats.ts); null: the owner's private chat. */
  chatId: number | null;
  /** That group's title; null with chatId. */
  chatTitle: string | null;
}

/** An active search as the filter matches it, with the recipient it notifies. */
export interface ActiveSearch extends SearchCriteria {
  recipient: Recipient;
}

/** A row's criteria in the model's terms: a list column's null is the empty list ("no constraint"). */
function draftOfRow(row: SearchRow): SearchDraft {
  const { id: _id, userId: _user, active: _active, chatId: _chat, createdAt: _created, updatedAt: _updated, ...draft } = row;
  return {
    ...draft,
    districts: row.districts ?? [],
    includeKeywords: row.includeKeywords ?? [],
    excludeKeywords: row.excludeKeywords ?? [],
  };
}

/** A draft as the row stores it: an empty list as null. */
function rowOfDraft(draft: SearchDraft) {
  const list = (words: string[]) => (words.length ? words : null);
  return {
    ...draft,
    districts: list(draft.districts),
    includeKeywords: list(draft.includeKeywords),
    excludeKeywords: list(draft.excludeKeywords),
  };
}

/** What a saved search asks for, without its identity: to edit or duplicate it. */
export function draftOf(search: SavedSearch): SearchDraft {
  const { id: _id, active: _active, cityName: _cityName, chatId: _chatId, chatTitle: _chatTitle, ...draft } = search;
  return draft;
}

/** The user's searches joined with their city's and group's names; callers add the filter. */
function selectSearches(db: Db) {
  return db
    .select({ search: savedSearches, cityName: locations.name, chatTitle: chats.title })
    .from(savedSearches)
    .innerJoin(locations, eq(locations.id, savedSearches.cityId))
    .leftJoin(chats, eq(chats.chatId, savedSearches.chatId));
}

function toSaved({ search, cityName, chatTitle }: { search: SearchRow; cityName: string; chatTitle: string | null }): SavedSearch {
  return { ...draftOfRow(search), id: search.id, active: search.active, cityName, chatId: search.chatId, chatTitle: search.chatId === null ? null : chatTitle };
}

/** The user's searches, oldest first (the order /list numbers them in). */
export async function listSearches(db: Db, userId: number): Promise<SavedSearch[]> {
  const rows = await selectSearches(db).where(eq(savedSearches.userId, userId)).orderBy(asc(savedSearches.id));
  return rows.map(toSaved);
}

/** One of the user's searches; null when it does not exist or is someone else's. */
export async function getSearch(db: Db, userId: number, searchId: number): Promise<SavedSearch | null> {
  const [row] = await selectSearches(db).where(and(eq(savedSearches.id, searchId), eq(savedSearches.userId, userId)));
  return row ? toSaved(row) : null;
}

/** A search that delivers to a group, with its owner (group buttons: the owner or a group admin may change it). */
export interface GroupSearch extends SavedSearch {
  userId: number;
  ownerTelegramId: number;
}

/** The searches that deliver to a group, oldest first, whoever owns them. */
export async function searchesInChat(db: Db, chatId: number): Promise<GroupSearch[]> {
  const rows = await db
    .select({ search: savedSearches, cityName: locations.name, chatTitle: chats.title, ownerTelegramId: users.telegramId })
    .from(savedSearches)
    .innerJoin(locations, eq(locations.id, savedSearches.cityId))
    .innerJoin(chats, eq(chats.chatId, savedSearches.chatId))
    .innerJoin(users, eq(users.id, savedSearches.userId))
    .where(eq(savedSearches.chatId, chatId))
    .orderBy(asc(savedSearches.id));
  return rows.map((row) => ({ ...toSaved(row), userId: row.search.userId, ownerTelegramId: row.ownerTelegramId }));
}

/**
 * Active searches of users who want notifications, in the given cities, with
 * their recipients: one query (the city ids travel as one parameter).
 */
export async function loadActiveSearches(d1: D1Database, cityIds: readonly number[]): Promise<ActiveSearch[]> {
  const rows = await useDb(d1)
    .select({ search: savedSearches, user: users, groupChatId: chats.chatId })
    .from(savedSearches)
    .innerJoin(users, eq(users.id, savedSearches.userId))
    // A search pointed at a group the bot has left delivers to its owner, as chatGoneStatements makes it.
    .leftJoin(chats, and(eq(chats.chatId, savedSearches.chatId), isNull(chats.leftAt)))
    .where(
      and(
        eq(savedSearches.active, true),
        eq(users.paused, false),
        isNull(users.blockedAt),
        inJsonList(savedSearches.cityId, cityIds),
      ),
    );
  return rows.map(({ search, user, groupChatId }) => ({
    ...draftOfRow(search),
    id: search.id,
    userId: search.userId,
    // The owner's settings; a group's chat when the search delivers there.
    recipient: { ...recipientOf(user), ...(groupChatId === null ? {} : { chatId: groupChatId, group: true }) },
  }));
}

/** A row's values as D1 binds them: JSON lists as text, booleans as 0/1. */
function bindable(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return JSON.stringify(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value as string | number;
}

/**
 * Saves a new search unless the user already has `limit`: the count and the
 * insert are one statement, so two quick confirmations cannot pass the limit
 * (the bot's double tap on Save is kept from inserting twice by claiming its
 * flow first, src/bot/wizard/wizard.ts).
 *
 * @param chatId the group it delivers to (the caller checked the user may use it); null: the user's private chat
 * @returns the new search's id, or null when the limit is reached
 */
export async function insertSearch(d1: D1Database, userId: number, draft: SearchDraft, limit: number, now: number, chatId: number | null = null): Promise<number | null> {
  const row: Record<string, unknown> = { ...rowOfDraft(draft), userId, chatId, active: true, createdAt: now, updatedAt: now };
  const table = getTableColumns(savedSearches);
  const keys = Object.keys(row) as (keyof typeof table)[];
  const names = keys.map((k) => `"${table[k].name}"`).join(", ");
  const [inserted] = await d1.batch([
    d1
      .prepare(
        `INSERT INTO saved_searches (${names}) SELECT ${keys.map(() => "?").join(", ")}
         WHERE (SELECT count(*) FROM saved_searches WHERE user_id = ?) < ? RETURNING id`,
      )
      .bind(...keys.map((k) => bindable(row[k])), userId, limit),
    bumpSearchVersionStatement(d1),
  ]);
  return (inserted && rowsOf<{ id: number }>(inserted)[0]?.id) ?? null;
}

/** Where a search written delivers: its group's chat id, or null for its owner's private chat. */
export interface Written {
  chatId: number | null;
}

/** Runs one owner-scoped write (RETURNING the search's chat) with the version bump; @returns null when it touched none of the user's searches */
async function writeOwn(d1: D1Database, query: Parameters<typeof asD1Statement>[1]): Promise<Written | null> {
  const [result] = await d1.batch([asD1Statement(d1, query), bumpSearchVersionStatement(d1)]);
  // A plain statement's rows carry the column's SQL name.
  const row = result && rowsOf<{ chat_id: number | null }>(result)[0];
  return row ? { chatId: row.chat_id } : null;
}

const written = { chatId: savedSearches.chatId };

const own = (userId: number, searchId: number) => and(eq(savedSearches.id, searchId), eq(savedSearches.userId, userId));

/**
 * Replaces the criteria of one of the user's searches, and where it delivers
 * when `chatId` is given (undefined: unchanged).
 *
 * @returns null when it is not theirs (or gone)
 */
export function updateSearch(d1: D1Database, userId: number, searchId: number, draft: SearchDraft, now: number, chatId?: number | null): Promise<Written | null> {
  const target = chatId === undefined ? {} : { chatId };
  return writeOwn(d1, useDb(d1).update(savedSearches).set({ ...rowOfDraft(draft), ...target, updatedAt: now }).where(own(userId, searchId)).returning(written));
}

/** Points one search at a group (the caller checked the user may use it) or, with null, back at the user's private chat. @returns null when it is not theirs */
export function setSearchChat(d1: D1Database, userId: number, searchId: number, chatId: number | null, now: number): Promise<Written | null> {
  return writeOwn(d1, useDb(d1).update(savedSearches).set({ chatId, updatedAt: now }).where(own(userId, searchId)).returning(written));
}

/** Pauses or resumes one search. @returns null when it is not the user's */
export function setSearchActive(d1: D1Database, userId: number, searchId: number, active: boolean, now: number): Promise<Written | null> {
  return writeOwn(d1, useDb(d1).update(savedSearches).set({ active, updatedAt: now }).where(own(userId, searchId)).returning(written));
}

/** Deletes one search; its sent notifications stay (search_id set null). @returns null when it is not the user's */
export function deleteSearch(d1: D1Database, userId: number, searchId: number): Promise<Written | null> {
  return writeOwn(d1, useDb(d1).delete(savedSearches).where(own(userId, searchId)).returning(written));
}
