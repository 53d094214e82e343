import type { Demand, DemandCache } from "../db/feeds.ts";

/** The demand is read again after this long even when the search version did not move. */
export const DEMAND_TTL_MS = 60_000;

/**
 * The feeds' demand kept between the ticks of one cron invocation, for one
 * search version (db/feeds.ts loadFeedsAndDemand). Reading it every tick read
 * every saved search and its user each time: 97 % of the D1 rows read in the
 * large benchmark.
 */
export class TickDemandCache implements DemandCache {
  #version: number | null = null;
  #demand: Demand | null = null;
  #loadedAt = 0;

  constructor(private readonly ttlMs = DEMAND_TTL_MS) {}

  get(version: number, now: number): Demand | null {
    return version === this.#version && now - this.#loadedAt <= this.ttlMs ? this.#demand : null;
  }

  set(version: number, demand: Demand, now: number): void {
    this.#version = version;
    this.#demand = demand;
    this.#loadedAt = now;
  }
}
