import { loadCentroids } from "../db/locations.ts";
import { type ActiveSearch, loadActiveSearches } from "../db/saved-searches.ts";
import { type Centroids, NO_CENTROIDS } from "../model/location.ts";

/** Searches are reloaded after this long even when no version bump was seen. */
export const SEARCH_CACHE_TTL_MS = 60_000;

interface CityEntry {
  searches: ActiveSearch[];
  loadedAt: number;
}

/**
 * Active searches per city, kept in the isolate between queue batches so a
 * batch costs no search query at all in the common case. Every change to
 * searches bumps a version in D1 (read in the same round trip as the batch's
 * listings); a new version drops everything, a TTL bounds staleness anyway.
 */
export class SearchCache {
  #version: number | null = null;
  #cities = new Map<number, CityEntry>();
  #centroids: Centroids | null = null;
  #centroidCities = new Set<number>();

  constructor(private readonly ttlMs = SEARCH_CACHE_TTL_MS) {}

  /** Searches and centroids for these cities; at most one round trip when something is missing. */
  async get(d1: D1Database, cityIds: readonly number[], version: number, now: number) {
    if (version !== this.#version) {
      this.#cities.clear();
      this.#version = version;
    }
    const missing = cityIds.filter((id) => {
      const entry = this.#cities.get(id);
      return !entry || now - entry.loadedAt > this.ttlMs;
    });
    const needCentroids = cityIds.some((id) => !this.#centroidCities.has(id));
    if (missing.length > 0 || needCentroids) {
      const [searches, centroids] = await Promise.all([
        missing.length ? loadActiveSearches(d1, missing) : Promise.resolve([]),
        needCentroids ? loadCentroids(d1, [...new Set([...this.#centroidCities, ...cityIds])]) : Promise.resolve(null),
      ]);
      for (const id of missing) this.#cities.set(id, { searches: [], loadedAt: now });
      for (const s of searches) this.#cities.get(s.cityId)?.searches.push(s);
      if (centroids) {
        this.#centroids = centroids;
        for (const id of cityIds) this.#centroidCities.add(id);
      }
    }
    return {
      searches: cityIds.flatMap((id) => this.#cities.get(id)?.searches ?? []),
      centroids: this.#centroids ?? NO_CENTROIDS,
    };
  }
}

