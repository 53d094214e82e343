import { eq } from "drizzle-orm";
import { env } from "cloudflare:workers";
import { useDb } from "../../src/db/client.ts";
import { upsertListings } from "../../src/db/listings.ts";
import { feeds, locations, savedSearches, users } from "../../src/db/schema.ts";
import type { Listing } from "../../src/model/listing.ts";
import { flatBlockKey } from "../../src/model/flat.ts";
import { dedupKey } from "../../src/sources/index.ts";
import { bumpSearchVersionStatement } from "../../src/db/settings.ts";

export const db = () => useDb(env.DB);

let nextTelegramId = 1000;

/** A user who started the bot. */
export async function seedUser(fields: Partial<typeof users.$inferInsert> = {}) {
  const telegramId = fields.telegramId ?? nextTelegramId++;
  const [row] = await db()
    .insert(users)
    .values({ telegramId, chatId: telegramId, createdAt: 0, ...fields })
    .returning();
  if (!row) throw new Error("user not inserted");
  return row;
}

export async function cityId(slug: string): Promise<number> {
  const [row] = await db().select({ id: locations.id }).from(locations).where(eq(locations.slug, slug));
  if (!row) throw new Error(`no city ${slug} in the seed migration`);
  return row.id;
}

/** A saved search; bumps the search version as every real change must. */
export async function seedSearch(userId: number, fields: Partial<typeof savedSearches.$inferInsert> & { city: string }) {
  const { city, ...rest } = fields;
  const [row] = await db()
    .insert(savedSearches)
    .values({
      userId,
      name: "test search",
      deal: "rent",
      property: "flat",
      cityId: await cityId(city),
      createdAt: 0,
      updatedAt: 0,
      ...rest,
    })
    .returning();
  await bumpSearchVersionStatement(env.DB).run();
  if (!row) throw new Error("search not inserted");
  return row;
}

/**
 * D1 is shared by the tests of a file: each test that counts rows starts from
 * the migrated state (locations and settings kept).
 */
export async function resetDb(): Promise<void> {
  await env.DB.batch(
    ["notifications", "flat_prices", "price_medians", "listings", "feeds", "saved_searches", "users", "chats", "dead_letters", "bot_flows", "rate_limits"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)),
  );
}

/** The national feed of a site, deal and property, as the reconciler makes it; @returns its id */
export async function seedFeed(feed: Pick<typeof feeds.$inferInsert, "source" | "deal" | "property">): Promise<number> {
  const [row] = await db()
    .insert(feeds)
    .values({ ...feed, scope: "pl", subscribers: 1, sharePerMin: 1 })
    .onConflictDoUpdate({ target: [feeds.source, feeds.deal, feeds.property, feeds.scope], set: { active: true } })
    .returning({ id: feeds.id });
  if (!row) throw new Error("feed not stored");
  return row.id;
}

/**
 * Stores listings the way a poller does (its upsert statement, on the national
 * feed of the first one's site), in `city`, first seen at `seenAt`: what
 * production writes, so a reader's assumptions about the columns are tested
 * against the real thing.
 *
 * @returns the listings' ids, in order
 */
export async function storeAsThePoller(
  items: readonly (Omit<Listing, "olxCityId" | "region"> & Partial<Listing>)[],
  opts: { seenAt: number; city?: string; notify?: boolean },
): Promise<number[]> {
  const first = items[0];
  if (!first) return [];
  const feedId = await seedFeed({ source: first.source, deal: first.deal ?? "rent", property: first.property ?? "flat" });
  const city = await cityId(opts.city ?? "warszawa");
  const { rows } = await upsertListings(
    env.DB,
    items.map((l) => ({ olxCityId: null, region: null, ...l, dedupKey: dedupKey(l), cityId: city, fingerprint: flatBlockKey(l), flatKey: dedupKey(l) })),
    { feedId, now: opts.seenAt, notify: opts.notify ?? true },
  );
  return items.map((l) => {
    const row = rows.find((r) => r.externalId === l.externalId);
    if (!row) throw new Error(`listing ${l.externalId} not stored`);
    return row.id;
  });
}

/** A Wrocław rental as the OLX parser would normalise it. */
export function rental(i: number, fields: Partial<Listing> = {}): Listing & { dedupKey: string } {
  const place = { olxCityId: 19701, region: "dolnoslaskie" };
  return {
    source: "olx",
    externalId: String(800_000_000 + i),
    url: `https://www.olx.pl/d/oferta/mieszkanie-${i}-CID3-ID${i}.html`,
    title: `2 pokoje z balkonem ${i}`,
    price: 2500 + (i % 100),
    currency: "PLN",
    rent: 500,
    areaM2: 48,
    rooms: 2,
    pricePerM2: null,
    city: "Wrocław",
    district: "Krzyki",
    lat: null,
    lon: null,
    isPrivate: true,
    photoUrl: null,
    deal: "rent",
    property: "flat",
    publishedAt: Date.now() - 120_000,
    floor: null,
    firstListedAt: null,
    bumpedAt: null,
    dedupKey: `olx:${800_000_000 + i}`,
    ...place,
    ...fields,
  };
}
