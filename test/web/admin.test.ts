import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import worker from "../../src/index.ts";
import { loadHealth } from "../../src/db/health.ts";
import { markEnqueuedStatement } from "../../src/db/listings.ts";
import { markFilteredStatement } from "../../src/db/notifications.ts";
import { sampleListing } from "../durable/seed.ts";
import { db, resetDb, seedUser, storeAsThePoller } from "../helpers/seed.ts";
import { feeds } from "../../src/db/schema.ts";
import type { PollerStats } from "../../src/model/feed.ts";

beforeEach(resetDb);

async function request(path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`https://getmeone.example${path}`, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const MIN = 60_000;
let nextId = 1;

/**
 * A listing and its notification with the stage times given as "minutes
 * before now", written by the statements production uses: the cron's upsert
 * (published_at in ms, as the parser gives it), its enqueue mark, the
 * filter's filtered mark.
 */
async function seedJourney(userId: number, now: number, t: { published: number; seen: number; queued: number; matched: number; sent: number | null; error?: [number, string] }) {
  const at = (m: number) => now - m * MIN;
  const id = nextId++;
  const [listingId = 0] = await storeAsThePoller(
    [sampleListing(at(t.seen), { externalId: `a${id}`, url: `https://www.olx.pl/d/oferta/x-${id}.html`, publishedAt: at(t.published) })],
    { seenAt: at(t.seen) },
  );
  await env.DB.batch([markEnqueuedStatement(env.DB, [listingId], at(t.queued)), markFilteredStatement(env.DB, [listingId], at(t.matched))]);
  await env.DB.prepare(
    `INSERT INTO notifications (user_id, listing_id, matched_at, handed_at, sent_at, status, error, error_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(userId, listingId, at(t.matched), at(t.matched), t.sent === null ? null : at(t.sent), t.error ? "failed" : t.sent === null ? "pending" : "sent", t.error?.[1] ?? null, t.error?.[0] ?? null)
    .run();
}

describe("/admin", () => {
  it("is closed without the admin token, and opens with it as a bearer or through the sign-in form", async ({ expect }) => {
    expect((await request("/admin")).status).toBe(401);
    expect((await request("/admin", { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await request("/admin", { headers: { Authorization: "Bearer test-admin-token" } })).status).toBe(200);
    const form = (token: string) =>
      request("/admin/login", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token }).toString() });
    const refused = await form("nope");
    expect(refused.status).toBe(401);
    expect(refused.headers.get("set-cookie")).toBeNull();
    const login = await form("test-admin-token");
    expect(login.status).toBe(303);
    const cookie = login.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^gm_admin=.*HttpOnly.*Secure/);
    expect((await request("/admin", { headers: { cookie: cookie.split(";")[0] ?? "" } })).status).toBe(200);
    expect((await request("/admin", { headers: { cookie: "gm_admin=admin.99999999999999.forged" } })).status).toBe(401);
  });

  it("computes latency percentiles per stage from D1 timestamps, backlogs, feed health and Telegram errors", async ({ expect }) => {
    const user = await seedUser();
    const now = Date.now();
    // Last hour: published 10, 12 and 20 min ago, each sent after 1, 2 and 10 min end to end.
    await seedJourney(user.id, now, { published: 10, seen: 9.5, queued: 9.5, matched: 9.4, sent: 9 });
    await seedJourney(user.id, now, { published: 12, seen: 11, queued: 11, matched: 10.9, sent: 10 });
    await seedJourney(user.id, now, { published: 20, seen: 15, queued: 14, matched: 12, sent: 10 });
    // Three hours ago: in the day's numbers only.
    await seedJourney(user.id, now, { published: 200, seen: 190, queued: 190, matched: 189, sent: 140 });
    // Waiting in an outbox; failed with Telegram's 403 and a network error.
    await seedJourney(user.id, now, { published: 5, seen: 4, queued: 4, matched: 3, sent: null });
    await seedJourney(user.id, now, { published: 5, seen: 4, queued: 4, matched: 3, sent: null, error: [403, "Forbidden: bot was blocked by the user"] });
    await env.DB.prepare(
      `INSERT INTO listings (source, external_id, dedup_key, url, title, first_seen_at, last_seen_at, notify) VALUES ('otodom', 'u1', 'otodom:u1', 'https://www.otodom.pl/pl/oferta/x', 'x', ?, ?, 1)`,
    )
      .bind(now, now)
      .run();
    await env.DB.prepare(`INSERT INTO dead_letters (queue, body, attempts, received_at) VALUES ('getmeone-new-listings', '{}', 6, ?)`).bind(now).run();
    // One send went out after a timeout whose outcome was unknown: the user may have it twice.
    await env.DB.prepare(`UPDATE notifications SET uncertain = 1 WHERE id = (SELECT min(id) FROM notifications WHERE status = 'sent')`).run();
    // A blocked feed as its poller reported it to the reconciler.
    const stats: PollerStats = {
      key: "otodom:sale:flat:pl",
      since: now - 60 * MIN,
      polls: 600,
      emptyPolls: 590,
      requests: 612,
      overflows: 1,
      newListings: 14,
      unknownCity: 2,
      d1RowsWritten: 40,
      d1RowsWrittenOnEmptyPolls: 0,
      detectionMsSum: 14 * 4_000,
      detectionMsMax: 9_000,
      intervalMs: 6_000,
      sharePerMin: 10,
      lastPollAt: now - MIN,
      lastSuccessAt: now - 10 * MIN,
      consecutiveFailures: 3,
      lastError: "PageError: HTTP 403 from www.otodom.pl",
      blockedUntil: now + 20 * MIN,
      fetcher: "relay",
      blocks: 30,
    };
    await db().insert(feeds).values({ source: "otodom", deal: "sale", property: "flat", subscribers: 4, sharePerMin: 10, stats, statsAt: now });

    const h = await loadHealth(env.DB, now);
    // e2e last hour: 60 s, 120 s, 600 s (nearest rank).
    expect(h.stages.hour.e2e).toEqual({ n: 3, p50: 120_000, p95: 600_000, p99: 600_000 });
    // The day adds the 60-minute one.
    expect(h.stages.day.e2e).toMatchObject({ n: 4, p99: 3_600_000 });
    expect(h.stages.hour.detection).toMatchObject({ n: 5, p50: 60_000, p95: 300_000 });
    expect(h.stages.hour.send).toEqual({ n: 3, p50: 54_000, p95: 120_000, p99: 120_000 });
    expect(h.backlog).toEqual({ unfiltered: 1, outbox: 1, deadLetters: 1, failedToday: 1, unknownToday: 1 });
    expect(h.feeds).toContainEqual(expect.objectContaining({ source: "otodom", scope: "pl", subscribers: 4, stats }));
    expect(h.telegramErrors).toEqual([{ code: 403, count: 1 }]);
    expect(h.hourly.reduce((n, r) => n + r.n, 0)).toBe(4);

    const page = await (await request("/admin", { headers: { Authorization: "Bearer test-admin-token" } })).text();
    expect(page).toContain("<td>end to end (published → Telegram accepted)</td><td>3</td><td>120.0</td><td>600.0</td><td>600.0</td>");
    expect(page).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(page).toContain("otodom 10.0 of 12 shared out");
    // Which fetcher each site's feeds are on, and how often the site refused them.
    expect(page).toContain("olx: no feed running · blocked – of polls (0 of 0) · otodom: relay (1 feed) · blocked 5.0 % of polls (30 of 600)");
    expect(page).toContain('<td>relay</td><td class="bad">30 (5.0 %)</td>');
    expect(page).toContain("<td>10.2</td><td>6.0</td><td>600 (590)</td><td>12</td><td>14</td><td>2</td><td>4.0 / 9.0</td><td>0</td>");
    expect(page).toContain('aria-label="End-to-end latency per hour, last 24 h"');
    expect(page).toContain("<polyline");
    expect(page).toMatch(/sends with an unknown outcome[^<]*<\/td>\s*<td class="bad">1<\/td>/);
  });
});
