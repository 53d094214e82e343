import { eq } from "drizzle-orm";
import { env } from "cloudflare:workers";
import { useDb } from "../../src/db/client.ts";
import { upsertListings } from "../../src/db/listings.ts";
import { feeds, locations, savedSearches, users } from "../../src/db/schema.ts";
import type { Listing } from "../../src/model/listing.ts";
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
    ["notifications", "listings", "feeds", "saved_searches", "users", "dead_letters", "bot_flows", "bot_rate"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)),
  );
}

/**
 * Stores a listing the way the cron does (its upsert statement, on a feed of
 * the listing's site), first seen at `seenAt`: what production writes, so a
 * reader's assumptions about the columns are tested against the real thing.
 *
 * @returns the listing's id
 */
export async function storeAsTheCron(listing: Listing, seenAt: number): Promise<number> {
  const city = await cityId("warszawa");
  const [feed] = await db()
    .insert(feeds)
    .values({ source: listing.source, deal: listing.deal ?? "rent", property: listing.property ?? "flat", cityId: city })
    .onConflictDoUpdate({ target: [feeds.source, feeds.deal, feeds.property, feeds.cityId], set: { active: true } })
    .returning({ id: feeds.id });
  if (!feed) throw new Error("feed not stored");
  const [stored] = await upsertListings(env.DB, [{ ...listing, dedupKey: dedupKey(listing) }], { feedId: feed.id, cycle: 1, now: seenAt, notify: true, refreshCycles: 10 });
  if (!stored) throw new Error("listing not stored");
  return stored.id;
}

