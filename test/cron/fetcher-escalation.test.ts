import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, it, onTestFinished } from "vitest";
import { createRelay } from "../../relay/src/relay.ts";
import { refuseNonBrowsers } from "../../sim/anti-bot.ts";
import { createFakeOlx } from "../../sim/fake-olx.ts";
import { createFakeTelegram } from "../../sim/fake-telegram.ts";
import { reconcile } from "../../src/cron/reconcile.ts";
import { blockDelayMs } from "../../src/cron/schedule.ts";
import { listings } from "../../src/db/schema.ts";
import { fakeWeb } from "../helpers/fake-web.ts";
import { pollerAlarm, pollerOf, resetPollers, setPollerClock } from "../helpers/pollers.ts";
import { db, resetDb, seedSearch, seedUser } from "../helpers/seed.ts";
import { json, raw } from "../sources/fixtures.ts";

beforeEach(async () => {
  await resetDb();
  await resetPollers();
});

const FEEDS = [
  { source: "olx", deal: "rent", property: "flat" },
  { source: "olx", deal: "sale", property: "flat" },
] as const;
const QUIET_MS = Number(env.FETCHER_QUIET_MIN) * 60_000;
let days = 0;

/**
 * OLX rentals and sales behind a fake CloudFront that, once switched on,
 * refuses the Worker's own fetch with the real "Request blocked" page (403,
 * X-Cache: Error from cloudfront); the relay (relay/src/relay.ts, signed
 * protocol and all) at RELAY_URL, whose client the layer lets through, as it
 * lets impit's browser fingerprint through; OLX_FETCHERS="direct,relay".
 */
async function blockedOlx() {
  const clock = { now: Date.UTC(2099, 0, 1) + 86_400_000 * days++ };
  const olx = createFakeOlx({ offers: [json(raw.olxApiOffer)], envelope: json(raw.olxGdansk2026), initial: 0, now: clock.now - 60_000 });
  for (const categoryId of [14, 15]) olx.publish(3, clock.now - 60_000, { categoryId });
  const cloudfront = refuseNonBrowsers(olx.handle, "cloudfront", raw.cloudfrontBlocked2025, () => false);
  cloudfront.setActive(false);
  let relayAdmitted = true;
  const relay = createRelay({
    secret: env.RELAY_SECRET,
    allowedHosts: [new URL(env.OLX_BASE_URL).hostname],
    client: async (url, headers) => {
      const request = new Request(url, { headers });
      return relayAdmitted ? olx.handle(request) : cloudfront.handle(request);
    },
    log: () => undefined,
  });
  // Alerts of two feeds go out in the same instant: the chat's pacing is not what is tested here.
  const telegram = createFakeTelegram({ token: env.TELEGRAM_BOT_TOKEN, chatGapMs: 0 });
  const web = fakeWeb({
    [new URL(env.OLX_BASE_URL).origin]: cloudfront.handle,
    [new URL(env.RELAY_URL).origin]: relay,
    [new URL(env.TELEGRAM_API_ROOT).origin]: telegram.handle,
  });
  onTestFinished(() => web.restore());
  const user = await seedUser({ isMock: true });
  for (const f of FEEDS) await seedSearch(user.id, { city: "wroclaw", ...f });
  const stubs = FEEDS.map((f) => pollerOf(f));
  for (const stub of stubs) await setPollerClock(stub, clock);
  await reconcile({ ...env, OLX_FETCHERS: "direct,relay" }, clock.now);
  /** One poll of each feed, `seconds` after the last. */
  const pollAll = async (seconds = 5) => {
    clock.now += seconds * 1000;
    for (const stub of stubs) {
      await setPollerClock(stub, clock);
      await runDurableObjectAlarm(stub);
    }
  };
  const alerts = () => telegram.messages.filter((m) => m.chat_id === Number(env.ADMIN_CHAT_ID)).map((m) => m.text ?? "");
  const stored = async () => (await db().select().from(listings)).map((l) => ({ id: l.externalId, notify: l.notify, queued: l.enqueuedAt !== null }));
  const relayed = () => web.requests.filter((r) => r.url.startsWith(env.RELAY_URL)).length;
  return { clock, olx, cloudfront, stubs, pollAll, alerts, stored, relayed, admitRelay: (on: boolean) => (relayAdmitted = on) };
}

describe("a site that refuses the Worker", () => {
  it("moves every feed to the relay, loses nothing published meanwhile, and tells the admin chat once", async ({ expect }) => {
    const w = await blockedOlx();
    await w.pollAll(0); // baselines, on direct
    expect(w.relayed()).toBe(0);
    w.cloudfront.setActive(true);
    const fresh = [...w.olx.publish(2, w.clock.now, { categoryId: 15 }), ...w.olx.publish(1, w.clock.now, { categoryId: 14 })];
    await w.pollAll(); // both refused on direct: each moves up, and polls again at its own pace, not after a backoff
    expect(w.cloudfront.refused).toBe(2);
    for (const stub of w.stubs) {
      expect(await stub.stats()).toMatchObject({ fetcher: "relay", blocks: 1, consecutiveFailures: 0, blockedUntil: null });
      expect(await pollerAlarm(stub)).toBeLessThanOrEqual(w.clock.now + 60_000);
    }
    await w.pollAll(); // through the relay
    const rows = await w.stored();
    expect(rows.filter((r) => fresh.map(String).includes(r.id))).toEqual(
      expect.arrayContaining(fresh.map((id) => ({ id: String(id), notify: true, queued: true }))),
    );
    expect(rows.filter((r) => r.notify)).toHaveLength(3);
    expect(w.relayed()).toBe(2);
    // One message for the site, however many of its feeds moved.
    expect(w.alerts()).toHaveLength(1);
    expect(w.alerts()[0]).toMatch(/^olx refused the direct fetcher \(.*HTTP 403 from www\.olx\.pl\)\. Feed olx (rent|sale) flat Polska now fetches through relay/);
    await w.pollAll();
    expect(w.cloudfront.refused).toBe(2); // the relay's feeds no longer try direct
    expect(w.alerts()).toHaveLength(1);
  });

  it("tries direct again after the quiet period: refused, back to the relay silently; let through, stays on direct", async ({ expect }) => {
    const w = await blockedOlx();
    await w.pollAll(0);
    w.cloudfront.setActive(true);
    await w.pollAll(); // up to the relay
    await w.pollAll(QUIET_MS / 1000); // a good poll on the relay after the quiet period: the next one tries direct
    for (const stub of w.stubs) expect((await stub.stats())?.fetcher).toBe("direct");
    await w.pollAll(); // still refused: straight back up
    expect(w.cloudfront.refused).toBe(4);
    for (const stub of w.stubs) expect((await stub.stats())?.fetcher).toBe("relay");
    expect(w.alerts()).toHaveLength(1); // the return is not news

    w.cloudfront.setActive(false); // the site lets the Worker in again
    await w.pollAll(QUIET_MS / 1000);
    await w.pollAll();
    await w.pollAll();
    const relayedBefore = w.relayed();
    await w.pollAll();
    expect(w.relayed()).toBe(relayedBefore);
    for (const stub of w.stubs) expect(await stub.stats()).toMatchObject({ fetcher: "direct", blocks: 2 });
  });

  it("refused on the relay too, backs off and tells the admin chat that every fetcher is blocked", async ({ expect }) => {
    const w = await blockedOlx();
    await w.pollAll(0);
    w.cloudfront.setActive(true);
    w.admitRelay(false);
    await w.pollAll(); // direct refused: up to the relay
    await w.pollAll(); // the relay refused: nothing left
    const [rent] = w.stubs;
    if (!rent) throw new Error("no poller");
    const stats = await rent.stats();
    // Blocked on the last fetcher: the backoff of schedule.ts, from its first failure.
    expect(await pollerAlarm(rent)).toBe(w.clock.now + blockDelayMs(stats?.intervalMs ?? 0, 1));
    expect(stats).toMatchObject({ fetcher: "relay", blocks: 2, consecutiveFailures: 1 });
    const alerts = w.alerts();
    expect(alerts.filter((a) => a.includes("refused the direct fetcher"))).toHaveLength(1);
    expect(alerts.filter((a) => a.includes("is blocked on every fetcher it has (direct, relay)"))).toHaveLength(2); // one per feed, as before
  });
});
