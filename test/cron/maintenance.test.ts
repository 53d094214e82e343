import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import worker from "../../src/index.ts";
import { BACKUP_RETENTION_MS, BACKUP_VERSION, listBackups } from "../../src/db/backup.ts";
import { FLOW_TTL_MS } from "../../src/db/bot-flows.ts";
import { NOTIFICATION_RETENTION_MS, pruneTables } from "../../src/db/prune.ts";
import { MAINTENANCE_CRONS } from "../../src/cron/scheduled.ts";
import { sampleListing } from "../durable/seed.ts";
import { postUpdate, textMessage } from "../helpers/bot.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { request } from "../helpers/pages.ts";
import { resetDb, seedSearch, seedUser, storeAsThePoller } from "../helpers/seed.ts";

beforeEach(async () => {
  await resetDb();
  await env.DB.prepare("DELETE FROM used_login_links").run();
  for (const key of await listBackups(env.BACKUPS)) await env.BACKUPS.delete(key);
});

const DAY = 24 * 60 * 60 * 1000;
const count = async (table: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())?.n;

async function runCron(cron: string, scheduledTime = Date.now()) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron, scheduledTime }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("pruning", () => {
  it("deletes what is past its keep, at most `limit` rows per table a run, and nothing still in use", async ({ expect }) => {
    const now = Date.now();
    const user = await seedUser();
    const listingIds = await storeAsThePoller(Array.from({ length: 10 }, () => sampleListing(now)), { seenAt: now });
    const statements: D1PreparedStatement[] = [];
    for (let i = 0; i < 10; i++) {
      const old = i < 7;
      statements.push(
        env.DB.prepare("INSERT INTO rate_limits (key, window_start, hits) VALUES (?, ?, 1)").bind(`bot:${i}`, old ? now - 2 * 60 * 60 * 1000 : now),
        env.DB.prepare("INSERT INTO bot_flows (telegram_id, kind, step, state, updated_at) VALUES (?, 'new', 'deal', '{}', ?)").bind(i, old ? now - FLOW_TTL_MS - 1 : now),
        env.DB.prepare("INSERT INTO used_login_links (nonce, expires_at) VALUES (?, ?)").bind(`nonce-${i}`, old ? now - 1 : now + 60_000),
        env.DB.prepare("INSERT INTO notifications (user_id, listing_id, matched_at, status) VALUES (?, ?, ?, ?)").bind(
          user.id,
          listingIds[i] ?? 0,
          // The 10th is old but still waiting to be sent: it stays.
          old || i === 9 ? now - NOTIFICATION_RETENTION_MS - 1 : now,
          i === 9 ? "queued" : "sent",
        ),
      );
    }
    await env.DB.batch(statements);

    const runs = [await pruneTables(env.DB, now, 5), await pruneTables(env.DB, now, 5), await pruneTables(env.DB, now, 5)];
    const each = (n: number) => ({ rateLimits: n, botFlows: n, usedLoginLinks: n, notifications: n });
    expect(runs).toEqual([each(5), each(2), each(0)]);
    for (const table of ["rate_limits", "bot_flows", "used_login_links", "notifications"]) expect(await count(table), table).toBe(3);
    expect(await env.DB.prepare("SELECT status FROM notifications WHERE matched_at < ?").bind(now - NOTIFICATION_RETENTION_MS).all().then((r) => r.results)).toEqual([{ status: "queued" }]);
  });

  it("runs on the hourly cron: the rate rows of senders who never registered go", async ({ expect }) => {
    installFakeTelegram(testClock());
    for (const id of [1, 2, 3]) await postUpdate(textMessage("hello", { id, is_bot: false, first_name: `Stranger ${id}` }));
    expect(await count("rate_limits")).toBe(3);
    expect(await count("users")).toBe(0);
    await runCron(MAINTENANCE_CRONS.prune, Date.now() + 50 * 60 * 1000);
    expect(await count("rate_limits")).toBe(3); // kept for an hour
    // Any other cron (the reconciler's) prunes nothing.
    await runCron("* * * * *", Date.now() + 2 * 60 * 60 * 1000);
    expect(await count("rate_limits")).toBe(3);
    await runCron(MAINTENANCE_CRONS.prune, Date.now() + 2 * 60 * 60 * 1000);
    expect(await count("rate_limits")).toBe(0);
  });
});

const restore = (key: string) =>
  request("/admin/backups/restore", { method: "POST", headers: { Authorization: "Bearer test-admin-token", "content-type": "application/json" }, body: JSON.stringify({ key }) });

const snapshot = async () => ({
  users: (await env.DB.prepare("SELECT * FROM users ORDER BY id").all()).results,
  searches: (await env.DB.prepare("SELECT * FROM saved_searches ORDER BY id").all()).results,
});

describe("backups", () => {
  it("the daily cron exports users and searches to R2; a restore puts back what D1 lost, twice is once", async ({ expect }) => {
    const ala = await seedUser({ language: "en", quietStartMin: 1380, quietEndMin: 420, digestThreshold: 5 });
    const bob = await seedUser({ paused: true });
    await seedSearch(ala.id, { city: "warszawa", name: `<b>"Mokotów"</b>'; --`, priceMax: 3500, districts: ["Mokotów"], includeKeywords: ["balkon"] });
    await seedSearch(ala.id, { city: "krakow", deal: "sale", source: "otodom", active: false });
    await seedSearch(bob.id, { city: "wroclaw", radiusKm: 3 });
    const before = await snapshot();

    await runCron(MAINTENANCE_CRONS.export);
    const [key] = await listBackups(env.BACKUPS);
    expect(key).toMatch(/^exports\/\d{4}-\d\d-\d\dT.*\.json$/);

    // A bad day: Ala is gone (her searches with her), Bob changed a setting since the export.
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(ala.id).run();
    await env.DB.prepare("UPDATE users SET paused = 0 WHERE id = ?").bind(bob.id).run();
    expect(await count("saved_searches")).toBe(1);

    const latest = await request("/admin/backups/latest", { headers: { Authorization: "Bearer test-admin-token" } });
    expect(await latest.json()).toMatchObject({ key, backup: { version: BACKUP_VERSION, users: [{ id: ala.id }, { id: bob.id }] } });
    const first = await restore(key ?? "");
    expect(await first.json()).toEqual({ key, restored: { users: 1, chats: 0, savedSearches: 2 } });
    const after = await snapshot();
    // Ala and her searches as they were; Bob's later change kept.
    expect(after.searches).toEqual(before.searches);
    expect(after.users).toEqual(before.users.map((u) => (u.id === bob.id ? { ...u, paused: 0 } : u)));
    expect(await (await restore(key ?? "")).json()).toEqual({ key, restored: { users: 0, chats: 0, savedSearches: 0 } });
    expect((await request("/admin/backups/latest")).status).toBe(401);
  });

  it("refuses an export that does not validate, writing nothing; keeps 30 days of exports", async ({ expect }) => {
    const user = await seedUser();
    await seedSearch(user.id, { city: "warszawa" });
    await runCron(MAINTENANCE_CRONS.export, Date.now() - BACKUP_RETENTION_MS - DAY);
    await runCron(MAINTENANCE_CRONS.export);
    const keys = await listBackups(env.BACKUPS);
    expect(keys).toHaveLength(1);
    const exported = await (await env.BACKUPS.get(keys[0] ?? ""))?.json<{ users: unknown[] }>();
    // A search whose user is not in the export: restoring it would write half.
    await env.BACKUPS.put("exports/broken.json", JSON.stringify({ ...exported, users: [] }));
    await env.DB.prepare("DELETE FROM users").run();
    const refused = await restore("exports/broken.json");
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("not in the export");
    expect(await count("users")).toBe(0);
    expect(await count("saved_searches")).toBe(0);
  });
});
