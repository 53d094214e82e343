import { getTableColumns } from "drizzle-orm";
import { z } from "zod";
import { DEALS, SOURCES } from "../model/listing.ts";
import { LANGUAGES } from "../model/language.ts";
import { SEARCH_PROPERTIES } from "../model/search.ts";
import type { Db } from "./client.ts";
import { insertMissingChats } from "./chats.ts";
import { chats, savedSearches, users } from "./schema.ts";
import { bumpSearchVersion } from "./settings.ts";
import { insertMissingUsers } from "./users.ts";

/**
 * The daily export of what a user would miss after a bad day: who they are
 * and their settings (users), their saved searches and the group chats those
 * deliver to (chats). Listings and
 * notifications are not in it: the feeds bring listings back, and a restored
 * search notifies about what is published next. One JSON document in R2
 * (BACKUPS), validated by the schema below both when written and when read.
 */

/** 2 added chats; a version 1 export (none) still restores, its searches to their owners' private chats. */
export const BACKUP_VERSION = 2;
/** R2 keys: the export's time in ISO 8601, so they sort by age. */
export const BACKUP_PREFIX = "exports/";
/** Exports older than this are deleted when a new one is written. D1 Time Travel covers 30 days too. */
export const BACKUP_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

const int = z.number().int();
const words = z.array(z.string()).nullable();

const userRow = z.object({
  id: int.positive(),
  telegramId: int,
  chatId: int,
  language: z.enum(LANGUAGES),
  paused: z.boolean(),
  blockedAt: int.nullable(),
  isMock: z.boolean(),
  isAdmin: z.boolean(),
  quietStartMin: int.min(0).max(1439).nullable(),
  quietEndMin: int.min(0).max(1439).nullable(),
  digestThreshold: int.nullable(),
  // Exports older than the column have none.
  priceDropPct: z.number().min(0).max(100).nullable().default(null),
  createdAt: int,
}) satisfies z.ZodType<typeof users.$inferSelect>;

const searchRow = z.object({
  id: int.positive(),
  userId: int.positive(),
  name: z.string(),
  active: z.boolean(),
  source: z.enum(SOURCES).nullable(),
  deal: z.enum(DEALS),
  property: z.enum(SEARCH_PROPERTIES),
  cityId: int.positive(),
  priceMin: z.number().nullable(),
  priceMax: z.number().nullable(),
  areaMin: z.number().nullable(),
  areaMax: z.number().nullable(),
  roomsMin: int.nullable(),
  roomsMax: int.nullable(),
  pricePerM2Min: z.number().nullable(),
  pricePerM2Max: z.number().nullable(),
  districts: words,
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  radiusKm: z.number().nullable(),
  includeKeywords: words,
  excludeKeywords: words,
  privateOnly: z.boolean(),
  chatId: int.nullable().default(null),
  createdAt: int,
  updatedAt: int,
}) satisfies z.ZodType<typeof savedSearches.$inferSelect>;

const chatRow = z.object({
  chatId: int,
  title: z.string(),
  type: z.enum(["group", "supergroup"]),
  addedBy: int.positive().nullable(),
  leftAt: int.nullable(),
  updatedAt: int,
}) satisfies z.ZodType<typeof chats.$inferSelect>;

/** An export as stored; every search's user is in it (checked, so a restore never half-writes). */
export const backupSchema = z
  .object({
    version: z.union([z.literal(1), z.literal(BACKUP_VERSION)]),
    exportedAt: int,
    users: z.array(userRow),
    // Version 1 exports have none.
    chats: z.array(chatRow).default([]),
    savedSearches: z.array(searchRow),
  })
  .check((ctx) => {
    const ids = new Set(ctx.value.users.map((u) => u.id));
    const orphan = ctx.value.savedSearches.find((s) => !ids.has(s.userId));
    if (orphan) ctx.issues.push({ code: "custom", message: `search ${orphan.id} belongs to user ${orphan.userId}, who is not in the export`, input: orphan.id, path: ["savedSearches"] });
  });
export type Backup = z.infer<typeof backupSchema>;

/** Everything the export holds, read in one round trip. */
export async function readBackup(db: Db, now: number): Promise<Backup> {
  const [userRows, chatRows, searchRows] = await db.batch([
    db.select().from(users).orderBy(users.id),
    db.select().from(chats).orderBy(chats.chatId),
    db.select().from(savedSearches).orderBy(savedSearches.id),
  ]);
  return backupSchema.parse({ version: BACKUP_VERSION, exportedAt: now, users: userRows, chats: chatRows, savedSearches: searchRows });
}

/** Rows per INSERT: D1 binds at most 100 values to one statement. */
const rowsPerInsert = (table: typeof users | typeof chats | typeof savedSearches) => Math.floor(100 / Object.keys(getTableColumns(table)).length);

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Puts back what the export holds and D1 lacks, with the export's ids (a
 * search keeps its user): rows D1 still has are left as they are, so a
 * restore never overwrites a change made since, and running it twice changes
 * nothing the second time. One transaction (D1's batch): all or nothing.
 *
 * A search whose group is not in the export (a version 1 export, or a row
 * the export lacks) restores to its owner's private chat, as does a chat's
 * adder who is not in it: the foreign keys would refuse them.
 *
 * @returns how many users, chats and searches were missing and were written
 */
export async function restoreBackup(db: Db, backup: Backup): Promise<{ users: number; chats: number; savedSearches: number }> {
  const userIds = new Set(backup.users.map((u) => u.id));
  const chatIds = new Set(backup.chats.map((c) => c.chatId));
  const chatRows = backup.chats.map((c) => ({ ...c, addedBy: c.addedBy !== null && userIds.has(c.addedBy) ? c.addedBy : null }));
  const searchRows = backup.savedSearches.map((s) => ({ ...s, chatId: s.chatId !== null && chatIds.has(s.chatId) ? s.chatId : null }));
  const userInserts = chunks(backup.users, rowsPerInsert(users)).map((rows) => insertMissingUsers(db, rows));
  const chatInserts = chunks(chatRows, rowsPerInsert(chats)).map((rows) => insertMissingChats(db, rows));
  const searchInserts = chunks(searchRows, rowsPerInsert(savedSearches)).map((rows) =>
    db.insert(savedSearches).values(rows).onConflictDoNothing().returning({ id: savedSearches.id }),
  );
  const results = await db.batch([bumpSearchVersion(db), ...userInserts, ...chatInserts, ...searchInserts]);
  const written = results.slice(1).map((rows) => (Array.isArray(rows) ? rows.length : 0));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const chatsEnd = userInserts.length + chatInserts.length;
  return { users: sum(written.slice(0, userInserts.length)), chats: sum(written.slice(userInserts.length, chatsEnd)), savedSearches: sum(written.slice(chatsEnd)) };
}

/** Writes an export to R2 and deletes those past BACKUP_RETENTION_MS. @returns its key */
export async function storeBackup(bucket: R2Bucket, backup: Backup): Promise<string> {
  const key = `${BACKUP_PREFIX}${new Date(backup.exportedAt).toISOString()}.json`;
  await bucket.put(key, JSON.stringify(backup), { httpMetadata: { contentType: "application/json" } });
  const old = (await listBackups(bucket)).filter((k) => k < `${BACKUP_PREFIX}${new Date(backup.exportedAt - BACKUP_RETENTION_MS).toISOString()}`);
  if (old.length) await bucket.delete(old);
  return key;
}

/** Every export's key, oldest first. */
export async function listBackups(bucket: R2Bucket): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: BACKUP_PREFIX, cursor });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys.sort();
}

/** An export read back and validated: the export, or why it cannot be restored. */
export async function loadBackup(bucket: R2Bucket, key: string): Promise<{ backup: Backup } | { problem: string }> {
  const object = await bucket.get(key);
  if (!object) return { problem: `no export ${key}` };
  const parsed = backupSchema.safeParse(await object.json().catch(() => null));
  return parsed.success ? { backup: parsed.data } : { problem: `${key} is not a valid export: ${z.prettifyError(parsed.error).slice(0, 500)}` };
}
