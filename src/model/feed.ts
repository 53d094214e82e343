import type { Deal, Property, Source } from "./listing.ts";

/** What the cron asks a source for: one search feed (source + deal + property + city). */
export interface FeedTarget {
  source: Source;
  deal: Deal;
  property: Property;
  city: { slug: string; name: string; olxCityId: number | null; olxRegionId: number | null; otodomPath: string | null };
}
