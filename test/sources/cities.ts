import type { FeedTarget } from "../../src/model/feed.ts";

/** Kraków as the seed migration (drizzle/0001_seed_locations.sql) lists it, shaped as a feed's city. */
export const krakow: FeedTarget["city"] = {
  slug: "krakow",
  name: "Kraków",
  olxCityId: 8959,
  olxRegionId: 4,
  otodomPath: "malopolskie/krakow/krakow/krakow",
};
