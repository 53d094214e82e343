import type { FeedRegion } from "../../src/model/feed.ts";

/** Małopolska as both sites name it, with OLX's id for it (Kraków's region in the seed migration). */
export const malopolskie: FeedRegion = { slug: "malopolskie", olxRegionId: 4 };
