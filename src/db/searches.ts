import { sql } from "drizzle-orm";
import type { SearchCriteria } from "../filter/match.ts";
import type { Db } from "./client.ts";
import { jsonList } from "./json-list.ts";
import { settings } from "./schema.ts";

/** An active search with the recipient it notifies. */
export interface ActiveSearch extends SearchCriteria {
  chatId: number;
  language: "pl" | "en";
  isMock: boolean;
}

const SEARCH_VERSION = "search_version";

/**
 * Every change to saved searches (or to a user's pause/block state) must call
 * this, in the same batch as the change: isolates caching searches compare it.
 */
export function bumpSearchVersionStatement(db: Db) {
  return db
    .insert(settings)
    .values({ key: SEARCH_VERSION, value: 1 })
    .onConflictDoUpdate({ target: settings.key, set: { value: sql`${settings.value} + 1` } });
}

export function searchVersionStatement(db: Db) {
  return db.all<{ value: number }>(sql`SELECT value FROM settings WHERE key = ${SEARCH_VERSION}`);
}

interface SearchRow {
  id: number;
  user_id: number;
  name: string;
  source: ActiveSearch["source"];
  deal: ActiveSearch["deal"];
  property: ActiveSearch["property"];
  city_id: number;
  price_min: number | null;
  price_max: number | null;
  area_min: number | null;
  area_max: number | null;
  rooms_min: number | null;
  rooms_max: number | null;
  price_per_m2_min: number | null;
  price_per_m2_max: number | null;
  districts: string | null;
  lat: number | null;
  lon: number | null;
  radius_km: number | null;
  include_keywords: string | null;
  exclude_keywords: string | null;
  private_only: number;
  chat_id: number;
  language: "pl" | "en";
  is_mock: number;
}

function stringList(json: string | null): string[] | null {
  if (json === null) return null;
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : null;
}

/** Active searches of users who want notifications, in the given cities: one query. */
export async function loadActiveSearches(db: Db, cityIds: readonly number[]): Promise<ActiveSearch[]> {
  const rows = await db.all<SearchRow>(sql`
    SELECT s.*, u.chat_id, u.language, u.is_mock
    FROM saved_searches s JOIN users u ON u.id = s.user_id
    WHERE s.active = 1 AND u.paused = 0 AND u.blocked_at IS NULL AND s.city_id IN ${jsonList(cityIds)}`);
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    name: r.name,
    source: r.source,
    deal: r.deal,
    property: r.property,
    cityId: r.city_id,
    priceMin: r.price_min,
    priceMax: r.price_max,
    areaMin: r.area_min,
    areaMax: r.area_max,
    roomsMin: r.rooms_min,
    roomsMax: r.rooms_max,
    pricePerM2Min: r.price_per_m2_min,
    pricePerM2Max: r.price_per_m2_max,
    districts: stringList(r.districts),
    lat: r.lat,
    lon: r.lon,
    radiusKm: r.radius_km,
    includeKeywords: stringList(r.include_keywords),
    excludeKeywords: stringList(r.exclude_keywords),
    privateOnly: r.private_only === 1,
    chatId: r.chat_id,
    language: r.language,
    isMock: r.is_mock === 1,
  }));
}
