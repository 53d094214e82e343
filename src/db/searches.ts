import type { QuietHours } from "../model/recipient.ts";
import type { SearchCriteria } from "../model/search.ts";
import { JSON_LIST, rowsOf } from "./json-list.ts";

/** An active search with the recipient it notifies. */
export interface ActiveSearch extends SearchCriteria {
  chatId: number;
  language: "pl" | "en";
  isMock: boolean;
  quietHours: QuietHours | null;
  digestThreshold: number | null;
}

export const SEARCH_VERSION = "search_version";

/**
 * Every change to saved searches (or to a user's pause/block state) must call
 * this, in the same batch as the change: isolates caching searches compare it.
 */
export function bumpSearchVersionStatement(d1: D1Database) {
  return d1
    .prepare(`INSERT INTO settings (key, value) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET value = value + 1`)
    .bind(SEARCH_VERSION);
}

export function searchVersionStatement(d1: D1Database) {
  return d1.prepare(`SELECT value FROM settings WHERE key = ?`).bind(SEARCH_VERSION);
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
  quiet_start_min: number | null;
  quiet_end_min: number | null;
  digest_threshold: number | null;
}

function stringList(json: string | null): string[] {
  if (json === null) return [];
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** Active searches of users who want notifications, in the given cities: one query. */
export async function loadActiveSearches(d1: D1Database, cityIds: readonly number[]): Promise<ActiveSearch[]> {
  const result = await d1
    .prepare(
      `SELECT s.*, u.chat_id, u.language, u.is_mock, u.quiet_start_min, u.quiet_end_min, u.digest_threshold
       FROM saved_searches s JOIN users u ON u.id = s.user_id
       WHERE s.active = 1 AND u.paused = 0 AND u.blocked_at IS NULL AND s.city_id IN ${JSON_LIST}`,
    )
    .bind(JSON.stringify(cityIds))
    .all();
  return rowsOf<SearchRow>(result).map((r) => ({
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
    quietHours: r.quiet_start_min !== null && r.quiet_end_min !== null ? { startMin: r.quiet_start_min, endMin: r.quiet_end_min } : null,
    digestThreshold: r.digest_threshold,
  }));
}
