import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { it, vi } from "vitest";
import { createFakeOlx } from "../sim/fake-olx.ts";
import { createFakeOtodom } from "../sim/fake-otodom.ts";
import { createFakeTelegram } from "../sim/fake-telegram.ts";
import { listings, notifications } from "../src/db/schema.ts";
import worker from "../src/index.ts";
import { drain, notifierFor } from "./helpers/notifier.ts";
import { testClock } from "./helpers/fake-telegram.ts";
import { fakeWeb } from "./helpers/fake-web.ts";
import { pollActiveFeeds, resetPollers } from "./helpers/pollers.ts";
import { db, seedSearch, seedUser } from "./helpers/seed.ts";
import { json, raw } from "./sources/fixtures.ts";

/** The cron (the reconciler starts the feeds' pollers), then one poll of every feed. */
async function tick() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
  await pollActiveFeeds();
}

/** The listing url of a Telegram message: its "open" button. */
function buttonUrl(markup: unknown): string {
  const url = (markup as { inline_keyboard?: { url?: string }[][] } | null)?.inline_keyboard?.[0]?.[0]?.url;
  if (!url) throw new Error("message without a listing button");
  return url;
}

function olxPrice(offer: Record<string, unknown>): number {
  const params = offer.params as { key: string; value: { value?: number } }[];
  const price = params.find((p) => p.key === "price")?.value.value;
  if (price === undefined) throw new Error("template without a price");
  return price;
}

it("takes a listing published on OLX or Otodom to each matching user's chat exactly once", async ({ expect }) => {
  await resetPollers();
  const clock = testClock(); // the Notifiers' and fake Telegram's clock; the parser runs on real time
  const now = Date.now();
  const olx = createFakeOlx({ offers: [json(raw.olxApiOffer)], envelope: json(raw.olxUzSearch), initial: 6, now });
  const otodom = createFakeOtodom({ nextData: json(raw.otodomKrakow2026), initial: 6, now });
  const telegram = createFakeTelegram({ clock: () => clock.now, token: env.TELEGRAM_BOT_TOKEN });
  const web = fakeWeb({
    [new URL(env.OLX_BASE_URL).origin]: olx.handle,
    [new URL(env.OTODOM_BASE_URL).origin]: otodom.handle,
    [new URL(env.TELEGRAM_API_ROOT).origin]: telegram.handle,
  });

  try {
    // Four users: every new OLX rental in Wrocław; Otodom sales in Kraków; OLX rentals
    // under a price that splits the published ones; and one whose search fits nothing.
    const alice = await seedUser();
    await seedSearch(alice.id, { city: "wroclaw", source: "olx", deal: "rent", property: "flat" });
    const bob = await seedUser({ language: "en" });
    await seedSearch(bob.id, { city: "krakow", source: "otodom", deal: "sale", property: "flat" });
    const carol = await seedUser();
    const dave = await seedUser();
    await seedSearch(dave.id, { city: "wroclaw", source: null, deal: "rent", property: "flat", priceMax: 1 });
    const users = [alice, bob, carol, dave];
    const stubs = await Promise.all(users.map(async (u) => (await notifierFor({ userId: u.id, chatId: u.chatId, language: u.language, isMock: false, quietHours: null, digestThreshold: null }, clock)).stub));

    // First cycle of each feed: its baseline, stored and never sent.
    await tick();
    const [stored] = await db().select({ n: sql<number>`count(*)` }).from(listings);
    expect(stored?.n).toBe(12);
    expect(await db().select().from(notifications)).toEqual([]);

    // The sites publish; every feed polls again.
    const newOlx = olx.publish(4, Date.now());
    const newOtodom = otodom.publish(3, Date.now());
    const priceCut = [...olx.listings].filter((l) => newOlx.includes(l.id)).map((l) => olxPrice(l.offer)).sort((a, b) => a - b)[1] ?? 0;
    await seedSearch(carol.id, { city: "wroclaw", source: "olx", deal: "rent", property: "flat", priceMax: priceCut });
    await tick();

    // Expected, from what the sites published and the searches, not from the pipeline.
    const olxUrl = (id: number) => olx.listings.find((l) => l.id === id)?.offer.url as string;
    const expected = new Map<number, string[]>([
      [alice.chatId, newOlx.map(olxUrl)],
      [bob.chatId, newOtodom.map((id) => otodom.listings.find((l) => l.id === id)?.item.slug as string)],
      [carol.chatId, newOlx.filter((id) => olxPrice(olx.listings.find((l) => l.id === id)?.offer ?? {}) <= priceCut).map(olxUrl)],
      [dave.chatId, []],
    ]);
    const total = [...expected.values()].reduce((n, urls) => n + urls.length, 0);
    expect(total).toBeGreaterThan(7);

    // The real queue carries the ids to the filter, which hands them to the Notifiers.
    await vi.waitFor(
      async () => {
        const queued = await Promise.all(stubs.map(async (stub) => (await stub.inspect()).counts.queued));
        expect(queued.reduce((a, b) => a + b, 0)).toBe(total);
      },
      { timeout: 15_000, interval: 50 },
    );

    for (const stub of stubs) await drain(stub, clock);

    for (const [chatId, urls] of expected) {
      const got = telegram.messages.filter((m) => m.chat_id === chatId).map((m) => buttonUrl(m.reply_markup));
      expect(got).toHaveLength(urls.length);
      expect(new Set(got).size).toBe(got.length);
      for (const url of urls) expect(got.some((g) => g.includes(url))).toBe(true);
    }
    expect(telegram.messages.filter((m) => m.chat_id !== Number(env.ADMIN_CHAT_ID))).toHaveLength(total);
    // Dave's search also needs Otodom rentals in Wrocław: an empty feed, not a blocked one.
    expect(telegram.messages.filter((m) => m.chat_id === Number(env.ADMIN_CHAT_ID))).toEqual([]);

    // Every stage left its timestamp on the rows.
    const rows = await db()
      .select({ published: listings.publishedAt, firstSeen: listings.firstSeenAt, filtered: listings.filteredAt, matched: notifications.matchedAt, sent: notifications.sentAt, status: notifications.status })
      .from(notifications)
      .innerJoin(listings, eq(listings.id, notifications.listingId));
    for (const r of rows) {
      expect(r.status).toBe("sent");
      expect(r.published).not.toBeNull();
      expect(r.firstSeen).toBeGreaterThanOrEqual(now - 1000);
      expect(r.matched).toBeGreaterThanOrEqual(r.firstSeen);
      expect(r.filtered).not.toBeNull();
      expect(r.sent).not.toBeNull();
    }
  } finally {
    web.restore();
  }
});
