import { and, asc, eq, getTableColumns } from "drizzle-orm";
import type { SearchDraft } from "../model/search.ts";
import { type Db, asD1Statement } from "./client.ts";
import { rowsOf } from "./json-list.ts";
import { locations, savedSearches } from "./schema.ts";
import { bumpSearchVersionStatement } from "./searches.ts";

/**
 * Saved searches as their owner manages them (bot and settings page). Every
 * read and write is scoped by the owner's user id: an id from a button or a
 * URL names nothing of anyone else's. Every write bumps the search version
 * in the same batch, so filter caches follow.
 */

/** A saved search with its id, state and city name, as lists show it. */
export interface SavedSearch extends SearchDraft {
  id: number;
  active: boolean;
  cityName: string;
}

/** What a saved search asks for, without its identity: to edit or duplicate it. */
export function draftOf(search: SavedSearch): SearchDraft {
  const { id: _id, active: _active, cityName: _cityName, ...draft } = search;
  return draft;
}

/** The most searches one user may keep, from the MAX_SEARCHES_PER_USER var. */
export function searchLimit(env: Pick<Env, "MAX_SEARCHES_PER_USER">): number {
  const n = Number(env.MAX_SEARCHES_PER_USER);
  return Number.isInteger(n) && n > 0 ? n : 20;
}

const columns = {
  id: savedSearches.id,
  active: savedSearches.active,
  cityName: locations.name,
  name: savedSearches.name,
  source: savedSearches.source,
  deal: savedSearches.deal,
  property: savedSearches.property,
  cityId: savedSearches.cityId,
  priceMin: savedSearches.priceMin,
  priceMax: savedSearches.priceMax,
  areaMin: savedSearches.areaMin,
  areaMax: savedSearches.areaMax,
  roomsMin: savedSearches.roomsMin,
  roomsMax: savedSearches.roomsMax,
  pricePerM2Min: savedSearches.pricePerM2Min,
  pricePerM2Max: savedSearches.pricePerM2Max,
  districts: savedSearches.districts,
  lat: savedSearches.lat,
  lon: savedSearches.lon,
  radiusKm: savedSearches.radiusKm,
  includeKeywords: savedSearches.includeKeywords,
  excludeKeywords: savedSearches.excludeKeywords,
  privateOnly: savedSearches.privateOnly,
};

/** The user's searches joined with their city's name; callers add the filter. */
function selectSearches(db: Db) {
  return db.select(columns).from(savedSearches).innerJoin(locations, eq(locations.id, savedSearches.cityId));
}
type Row = Awaited<ReturnType<typeof selectSearches>>[number];

function toSaved(row: Row): SavedSearch {
  return {
    ...row,
    // Only SEARCH_PROPERTIES are ever written (validateDraft).
    property: row.property as SavedSearch["property"],
    districts: row.districts ?? [],
    includeKeywords: row.includeKeywords ?? [],
    excludeKeywords: row.excludeKeywords ?? [],
  };
}

/** The user's searches, oldest first (the order /list numbers them in). */
export async function listSearches(db: Db, userId: number): Promise<SavedSearch[]> {
  const rows = await selectSearches(db)
    .where(eq(savedSearches.userId, userId))
    .orderBy(asc(savedSearches.id));
  return rows.map(toSaved);
}

/** One of the user's searches; null when it does not exist or is someone else's. */
export async function getSearch(db: Db, userId: number, searchId: number): Promise<SavedSearch | null> {
  const [row] = await selectSearches(db).where(and(eq(savedSearches.id, searchId), eq(savedSearches.userId, userId)));
  return row ? toSaved(row) : null;
}

function values(draft: SearchDraft) {
  return {
    name: draft.name,
    source: draft.source,
    deal: draft.deal,
    property: draft.property,
    cityId: draft.cityId,
    priceMin: draft.priceMin,
    priceMax: draft.priceMax,
    areaMin: draft.areaMin,
    areaMax: draft.areaMax,
    roomsMin: draft.roomsMin,
    roomsMax: draft.roomsMax,
    pricePerM2Min: draft.pricePerM2Min,
    pricePerM2Max: draft.pricePerM2Max,
    districts: draft.districts.length ? draft.districts : null,
    lat: draft.lat,
    lon: draft.lon,
    radiusKm: draft.radiusKm,
    includeKeywords: draft.includeKeywords.length ? draft.includeKeywords : null,
    excludeKeywords: draft.excludeKeywords.length ? draft.excludeKeywords : null,
    privateOnly: draft.privateOnly,
  };
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
 * @returns the new search's id, or null when the limit is reached
 */
export async function insertSearch(d1: D1Database, userId: number, draft: SearchDraft, limit: number, now: number): Promise<number | null> {
  const row: Record<string, unknown> = { ...values(draft), userId, active: true, createdAt: now, updatedAt: now };
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

/** Replaces the criteria of one of the user's searches. @returns false when it is not theirs (or gone) */
export async function updateSearch(d1: D1Database, db: Db, userId: number, searchId: number, draft: SearchDraft, now: number): Promise<boolean> {
  const update = db
    .update(savedSearches)
    .set({ ...values(draft), updatedAt: now })
    .where(and(eq(savedSearches.id, searchId), eq(savedSearches.userId, userId)));
  const [result] = await d1.batch([asD1Statement(d1, update), bumpSearchVersionStatement(d1)]);
  return (result?.meta.changes ?? 0) > 0;
}

/** Pauses or resumes one search. @returns false when it is not the user's */
export async function setSearchActive(d1: D1Database, db: Db, userId: number, searchId: number, active: boolean, now: number): Promise<boolean> {
  const update = db
    .update(savedSearches)
    .set({ active, updatedAt: now })
    .where(and(eq(savedSearches.id, searchId), eq(savedSearches.userId, userId)));
  const [result] = await d1.batch([asD1Statement(d1, update), bumpSearchVersionStatement(d1)]);
  return (result?.meta.changes ?? 0) > 0;
}

/** Deletes one search; its sent notifications stay (search_id set null). @returns false when it is not the user's */
export async function deleteSearch(d1: D1Database, db: Db, userId: number, searchId: number): Promise<boolean> {
  const remove = db.delete(savedSearches).where(and(eq(savedSearches.id, searchId), eq(savedSearches.userId, userId)));
  const [result] = await d1.batch([asD1Statement(d1, remove), bumpSearchVersionStatement(d1)]);
  return (result?.meta.changes ?? 0) > 0;
}
