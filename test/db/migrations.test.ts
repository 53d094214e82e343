import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";

/**
 * Migrations are forward-only (wrangler applies each once, in order; none is
 * ever edited or undone), so each must carry a populated database forward.
 * This applies the migrations up to 0008 to an empty database, fills it as
 * production would be filled at that point, applies every later migration,
 * and checks that what users own is still there, value for value.
 */
const POPULATED_AT = "0008_olx_cities.sql";

/** What must survive, as one query per table; the columns are those every migration after POPULATED_AT keeps. */
const KEPT: Record<string, string> = {
  users: "SELECT id, telegram_id, chat_id, language, paused, blocked_at, is_admin, quiet_start_min, quiet_end_min, digest_threshold, created_at FROM users ORDER BY id",
  saved_searches:
    "SELECT id, user_id, name, active, source, deal, property, city_id, price_max, rooms_min, districts, include_keywords, exclude_keywords, private_only, created_at FROM saved_searches ORDER BY id",
  listings: "SELECT id, source, external_id, url, title, price, city_id, first_seen_at, notify FROM listings ORDER BY id",
  notifications: "SELECT id, user_id, listing_id, search_id, matched_at, sent_at, status FROM notifications ORDER BY id",
  dead_letters: "SELECT id, queue, body, attempts, received_at FROM dead_letters ORDER BY id",
  bot_flows: "SELECT telegram_id, kind, step, state, updated_at FROM bot_flows ORDER BY telegram_id",
  used_login_links: "SELECT nonce, expires_at FROM used_login_links ORDER BY nonce",
};

async function populate(db: D1Database) {
  const city = await db.prepare("SELECT id FROM locations WHERE slug = 'warszawa'").first<{ id: number }>();
  const cityId = city?.id ?? 0;
  await db.batch([
    db.prepare("INSERT INTO users (id, telegram_id, chat_id, language, paused, is_admin, quiet_start_min, quiet_end_min, digest_threshold, created_at) VALUES (1, 424242, 424242, 'pl', 0, 1, 1380, 420, 5, 1000), (2, 515151, 515151, 'en', 1, 0, NULL, NULL, NULL, 2000)"),
    db.prepare("UPDATE users SET blocked_at = 3000 WHERE id = 2"),
    db
      .prepare(
        `INSERT INTO saved_searches (id, user_id, name, active, source, deal, property, city_id, price_max, rooms_min, districts, include_keywords, exclude_keywords, private_only, created_at, updated_at)
         VALUES (1, 1, '<b>Mokotów</b>''; --', 1, 'olx', 'rent', 'flat', ?1, 3500, 2, '["Mokotów"]', '["balkon"]', '["parter"]', 1, 1000, 1000),
                (2, 2, '', 0, NULL, 'sale', 'house', ?1, NULL, NULL, NULL, NULL, NULL, 0, 2000, 2000)`,
      )
      .bind(cityId),
    db
      .prepare("INSERT INTO listings (id, source, external_id, dedup_key, url, title, price, city_id, first_seen_at, last_seen_at, notify) VALUES (1, 'olx', 'a1', 'olx:a1', 'https://www.olx.pl/d/oferta/a1.html', 'Mieszkanie', 3000, ?1, 5000, 5000, 1)")
      .bind(cityId),
    db.prepare("INSERT INTO notifications (id, user_id, listing_id, search_id, matched_at, sent_at, status) VALUES (1, 1, 1, 1, 6000, 7000, 'sent')"),
    db.prepare(`INSERT INTO dead_letters (id, queue, body, attempts, received_at) VALUES (1, 'getmeone-new-listings-dlq', '{"listingIds":[1],"feedId":1,"enqueuedAt":5000}', 6, 8000)`),
    db.prepare("INSERT INTO bot_flows (telegram_id, kind, step, state, updated_at) VALUES (424242, 'new', 'price', '{\"draft\":{\"deal\":\"rent\"}}', 9000)"),
    db.prepare("INSERT INTO bot_rate (telegram_id, window_start, hits) VALUES (424242, 9000, 3)"),
    db.prepare("INSERT INTO used_login_links (nonce, expires_at) VALUES ('nonce-1', 10000)"),
  ]);
}

async function kept(db: D1Database) {
  const out: Record<string, unknown[]> = {};
  for (const [table, query] of Object.entries(KEPT)) out[table] = (await db.prepare(query).all()).results;
  return out;
}

describe("migrations", () => {
  it("carry a populated database forward: what users own survives every migration after 0008", async ({ expect }) => {
    const all = env.TEST_MIGRATIONS;
    const split = all.findIndex((m) => m.name === POPULATED_AT) + 1;
    expect(split).toBeGreaterThan(0);
    expect(all.length).toBeGreaterThan(split); // there are later migrations to test
    await applyD1Migrations(env.MIGRATION_DB, all.slice(0, split));
    await populate(env.MIGRATION_DB);
    const before = await kept(env.MIGRATION_DB);
    expect(before.users).toHaveLength(2);

    await applyD1Migrations(env.MIGRATION_DB, all);
    expect(await kept(env.MIGRATION_DB)).toEqual(before);
    // Dropped on purpose by 0010: bot_rate's counts lasted 10 s; its successor starts empty.
    expect(await env.MIGRATION_DB.prepare("SELECT count(*) AS n FROM rate_limits").first()).toEqual({ n: 0 });
    const applied = await env.MIGRATION_DB.prepare("SELECT count(*) AS n FROM d1_migrations").first<{ n: number }>();
    expect(applied?.n).toBe(all.length);
  });
});
