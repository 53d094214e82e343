import type { Published } from "./seed.ts";

/**
 * A listing as the bench records one the fakes published (bench/seed.ts
 * Published), for the analysis tests: an OLX or Otodom flat with a URL id
 * derived from its id, a flat of its own; the rest overridable.
 */
export function publishedListing(source: "olx" | "otodom", id: number, publishedAt: number, fields: Partial<Published> = {}): Published {
  return {
    key: `${source}:${id}`,
    source,
    externalId: String(id),
    urlId: `X${id}`,
    urlSource: source,
    deal: "sale",
    property: "flat",
    city: "warszawa",
    price: 500_000,
    flatId: `${source}:${id}`,
    publishedAt,
    ...fields,
  };
}
