import assert from "node:assert/strict";
import { test } from "node:test";
import type { FakeTelegramCall, FakeTelegramMessage } from "../sim/fake-telegram.ts";
import { ADMIN_CHAT_ID, type AnalysisInput, type ListingRow, type NotificationRow, analyse, deliveredPairs, indexByUrl, sourceOfUrl } from "./analyse.ts";
import { publishedListing } from "./published.test-helper.ts";
import type { Published } from "./seed.ts";
import type { BenchCounts } from "./worker.ts";

// Publication starts at T; every time below is T plus what the case needs.
const T = 1_700_000_000_000;
const A = 500_001;
const B = 500_002;

const listing = (source: "olx" | "otodom", id: number, publishedAt: number): Published =>
  publishedListing(source, id, publishedAt, { deal: source === "olx" ? "rent" : "sale", city: source === "olx" ? "wroclaw" : "krakow", price: 3000 });
const urlOf = (l: Published) => (l.source === "olx" ? `https://www.olx.pl/d/oferta/mieszkanie-CID3-ID${l.urlId}.html` : `https://www.otodom.pl/pl/oferta/mieszkanie-ID${l.urlId}`);

let messageId = 0;
/** One accepted message to `chat` at `at` with a button per URL (the single-listing message's shape). */
const message = (chat: number, at: number, urls: string[], text: string | null = null): FakeTelegramMessage => ({
  message_id: ++messageId,
  chat_id: chat,
  method: "sendMessage",
  text,
  caption: null,
  photo: null,
  parse_mode: "HTML",
  reply_markup: urls.length ? { inline_keyboard: urls.map((url) => [{ text: "open", url }]) } : null,
  link_preview_options: null,
  reply_to: null,
  paid: false,
  at,
});
const call = (chat: number | null, at: number, errorCode: number | null = null): FakeTelegramCall => ({
  method: "sendMessage",
  chat_id: chat,
  at,
  ok: errorCode === null,
  error_code: errorCode,
  description: errorCode === null ? null : "refused",
});
const key = (chat: number, l: Published) => `${chat}|${l.key}`;

const L1 = listing("olx", 1, T + 1_000);
const L2 = listing("olx", 2, T + 2_000);
const L3 = listing("otodom", 3, T + 3_000);
const OLD = listing("olx", 9, T - 60_000);

/** A run that published L1-L3 over the baseline OLD, for two users; each case overrides what it is about. */
function input(over: Partial<AnalysisInput> = {}): AnalysisInput {
  return {
    preset: { name: "small", burstUsers: 0, feedIntervalS: 3 },
    seed: 1,
    world: { feeds: [], burst: null, users: [{ telegramId: A, chatId: A }, { telegramId: B, chatId: B }], searches: [] },
    published: [L1, L2, L3],
    baseline: [OLD],
    expected: new Set(),
    priceChanges: [],
    telegram: { messages: [], calls: [] },
    rows: { listings: [], notifications: [], feeds: [] },
    countsBefore: null,
    countsAfter: null,
    cpuMs: null,
    feedFetches: 0,
    fetchTimes: { olx: [], otodom: [] },
    siteFeeds: { olx: {}, otodom: {} },
    budgets: { olx: null, otodom: null },
    publishFrom: T,
    drainFrom: T + 60_000,
    drainedAt: T + 65_000,
    wallMs: 90_000,
    burstListing: null,
    networkRetries: 0,
    ...over,
  };
}
/** The fake Telegram's record of these messages, each accepted at its first try. */
const telegram = (messages: FakeTelegramMessage[], extraCalls: FakeTelegramCall[] = []) => ({
  messages,
  calls: [...messages.map((m) => call(m.chat_id, m.at)), ...extraCalls],
});

test("an expected pair delivered once is delivered, and passes", () => {
  const { result } = analyse(input({ expected: new Set([key(A, L1)]), telegram: telegram([message(A, T + 5_000, [urlOf(L1)])]) }));
  assert.equal(result.expected, 1);
  assert.equal(result.delivered, 1);
  assert.equal(result.lost, 0);
  assert.equal(result.duplicates, 0);
  assert.equal(result.unexpected, 0);
  assert.equal(result.messages, 1);
  assert.deepEqual(result.failures, []);
  assert.equal(result.ok, true);
});

test("a second copy of a delivered pair is a duplicate: delivered once, duplicated once, and a failure", () => {
  const r = analyse(input({ expected: new Set([key(A, L1)]), telegram: telegram([message(A, T + 5_000, [urlOf(L1)]), message(A, T + 9_000, [urlOf(L1)])]) }));
  assert.equal(r.result.delivered, 1);
  assert.equal(r.result.duplicates, 1);
  assert.deepEqual(r.result.failures, ["1 duplicated"]);
  assert.equal(r.result.ok, false);
  // Timed from the first copy; the sample says how many came.
  assert.equal(r.result.published_e2e_p50_ms, 4_000);
  assert.equal(r.samples[1], `${A},olx,1,${T + 1_000},,,,,${T + 5_000},2`);
});

test("an OLX cross-post arrives with its Otodom url: it is traced to the OLX listing, whose url that is", () => {
  const crossPost: Published = { ...L1, urlId: "Q7", urlSource: "otodom" };
  const r = analyse(input({
    published: [crossPost, L2, L3],
    expected: new Set([key(A, crossPost)]),
    telegram: telegram([message(A, T + 5_000, ["https://www.otodom.pl/pl/oferta/mieszkanie-z-otodom-IDQ7.html"])]),
  }));
  assert.equal(r.result.delivered, 1);
  assert.equal(r.result.unexpected, 0);
  assert.deepEqual(r.result.published_e2e_by_source.olx, { n: 1, p50: 4_000, p95: 4_000, max: 4_000 });
});

test("a button and a text link to the same listing in one message are one delivery, not a duplicate", () => {
  const m = message(A, T + 5_000, [urlOf(L1)], `<a href="${urlOf(L1)}">flat</a>`);
  const r = analyse(input({ expected: new Set([key(A, L1)]), telegram: telegram([m]) }));
  assert.equal(r.result.delivered, 1);
  assert.equal(r.result.duplicates, 0);
});

test("a digest delivers each listing it links, and counts as one digest message", () => {
  const text = [L1, L2].map((l) => `<a href="${urlOf(l).replace("CID3", "a&amp;b")}">flat</a>`).join("\n");
  const r = analyse(input({ expected: new Set([key(A, L1), key(A, L2)]), telegram: telegram([message(A, T + 5_000, [], text)]) }));
  assert.equal(r.result.delivered, 2);
  assert.equal(r.result.messages, 1);
  assert.equal(r.result.digest_messages, 1);
});

test("expected pairs that never arrived are lost, each said where D1 saw it stop", () => {
  const listings: ListingRow[] = [
    { source: "olx", external_id: "2", published_at: null, first_seen_at: T + 3_000, enqueued_at: T + 3_100, filtered_at: null, notify: 1 },
    { source: "otodom", external_id: "3", published_at: null, first_seen_at: T + 4_000, enqueued_at: null, filtered_at: null, notify: 0 },
  ];
  const notifications: NotificationRow[] = [
    { source: "olx", external_id: "2", chat_id: A, matched_at: T + 3_500, handed_at: null, sent_at: null, status: "pending", digest: 0 },
  ];
  const r = analyse(input({
    expected: new Set([key(A, L1), key(A, L2), key(B, L2), key(A, L3)]),
    telegram: telegram([message(A, T + 5_000, [urlOf(L1)])]),
    rows: { listings, notifications, feeds: [] },
  }));
  assert.equal(r.result.delivered, 1);
  assert.equal(r.result.lost, 3);
  assert.deepEqual(r.result.failures, [
    `3 lost (chat ${A} olx:2: notification pending; chat ${B} olx:2: stored, no match recorded; chat ${A} otodom:3: stored as baseline/duplicate)`,
  ]);
  assert.deepEqual(r.result.d1_notifications_by_status, { pending: 1 });
});

test("a lost pair whose listing D1 never stored says so", () => {
  const r = analyse(input({ expected: new Set([key(B, L3)]) }));
  assert.equal(r.result.lost, 1);
  assert.deepEqual(r.result.failures, [`1 lost (chat ${B} otodom:3: never stored)`]);
});

test("a delivery no seeded search asked for is unexpected, and fails the run", () => {
  const r = analyse(input({ expected: new Set([key(A, L1)]), telegram: telegram([message(A, T + 5_000, [urlOf(L1)]), message(B, T + 5_000, [urlOf(L1)])]) }));
  assert.equal(r.result.delivered, 1);
  assert.equal(r.result.unexpected, 1);
  assert.deepEqual(r.result.failures, [`1 unexpected (${key(B, L1)})`]);
  // Only expected deliveries are timed.
  assert.equal(r.points.length, 1);
});

test("a baseline listing that was delivered is unexpected: the baseline is stored, never sent", () => {
  const r = analyse(input({ expected: new Set([key(A, L1)]), telegram: telegram([message(A, T + 5_000, [urlOf(L1)]), message(A, T + 7_000, [urlOf(OLD)])]) }));
  assert.equal(r.result.delivered, 1);
  assert.equal(r.result.unexpected, 1);
  assert.equal(r.result.lost, 0);
  assert.equal(deliveredPairs([message(A, T, [urlOf(OLD)])], indexByUrl([L1], [OLD])).get(key(A, OLD))?.[0]?.listing.isBaseline, true);
});

test("the admin chat's messages and links to no published listing are not deliveries", () => {
  const foreign = "https://example.com/oferta/mieszkanie-IDX1.html";
  const r = analyse(input({
    expected: new Set([key(A, L1)]),
    telegram: telegram([message(ADMIN_CHAT_ID, T + 4_000, [urlOf(L1)]), message(A, T + 5_000, [foreign, "https://www.olx.pl/d/oferta/other-IDZZZ.html"])]),
  }));
  assert.equal(r.result.admin_alerts, 1);
  assert.equal(r.result.messages, 1);
  assert.equal(r.result.delivered, 0);
  assert.equal(r.result.unexpected, 0);
  assert.equal(r.result.lost, 1);
  assert.equal(sourceOfUrl(foreign), null);
  assert.equal(sourceOfUrl("https://www.otodom.pl/pl/oferta/x-ID1"), "otodom");
});

test("latency: published → accepted, first seen → accepted and each stage, as nearest-rank percentiles of the given timestamps", () => {
  // Four listings: stage times 1 to 4 × a base step each, so p50 is the 2nd and p95 the 4th.
  const ls = [1, 2, 3, 4].map((i) => listing("olx", 10 + i, T + 1_000 * i));
  const listings: ListingRow[] = ls.map((l, i) => ({
    source: "olx", external_id: l.externalId, published_at: null,
    first_seen_at: l.publishedAt + 1_000 * (i + 1), enqueued_at: l.publishedAt + 1_000 * (i + 1) + 10 * (i + 1), filtered_at: null, notify: 1,
  }));
  const notifications: NotificationRow[] = ls.map((l, i) => {
    const enqueued = (listings[i] as ListingRow).enqueued_at as number;
    return { source: "olx", external_id: l.externalId, chat_id: A, matched_at: enqueued + 100 * (i + 1), handed_at: enqueued + 100 * (i + 1) + 20 * (i + 1), sent_at: null, status: "sent", digest: 0 };
  });
  const accepted = ls.map((_, i) => ((notifications[i] as NotificationRow).handed_at as number) + 500 * (i + 1));
  const r = analyse(input({
    published: ls,
    expected: new Set(ls.map((l) => key(A, l))),
    telegram: telegram(ls.map((l, i) => message(A, accepted[i] as number, [urlOf(l)]))),
    rows: { listings, notifications, feeds: [] },
  }));
  // published → accepted: (1 000 + 10 + 100 + 20 + 500) × i.
  assert.equal(r.result.published_e2e_p50_ms, 3_260);
  assert.equal(r.result.published_e2e_p95_ms, 6_520);
  assert.equal(r.result.published_e2e_p99_ms, 6_520);
  // first seen → accepted: (10 + 100 + 20 + 500) × i.
  assert.equal(r.result.e2e_p50_ms, 1_260);
  assert.equal(r.result.e2e_p95_ms, 2_520);
  assert.deepEqual(r.result.stage_p50_ms, { detect: 2_000, enqueue: 20, filter: 200, handoff: 40, send: 1_000 });
  assert.deepEqual(r.result.stage_p95_ms, { detect: 4_000, enqueue: 40, filter: 400, handoff: 80, send: 2_000 });
  assert.deepEqual(r.dists.stages.send, { n: 4, p50: 1_000, p95: 2_000, p99: 2_000, max: 2_000 });
  // Points: when it arrived in the run, and how long it took.
  assert.deepEqual(r.points[0], { t: (accepted[0] as number) - T, ms: 1_630, series: "olx" });
});

test("a delivery D1 has no row for counts from publication only, and a stage without its timestamps is left out", () => {
  const listings: ListingRow[] = [{ source: "olx", external_id: "2", published_at: null, first_seen_at: T + 2_500, enqueued_at: null, filtered_at: null, notify: 1 }];
  const r = analyse(input({
    expected: new Set([key(A, L1), key(A, L2)]),
    telegram: telegram([message(A, T + 4_000, [urlOf(L1)]), message(A, T + 6_000, [urlOf(L2)])]),
    rows: { listings, notifications: [], feeds: [] },
  }));
  assert.equal(r.dists.published.n, 2);
  assert.equal(r.dists.e2e.n, 1);
  assert.equal(r.result.e2e_p50_ms, 3_500);
  assert.equal(r.dists.stages.detect.n, 1);
  assert.equal(r.result.stage_p50_ms.detect, 500);
  assert.equal(r.dists.stages.enqueue.n, 0);
  assert.equal(r.result.stage_p50_ms.enqueue, null);
  assert.equal(r.samples[2], `${A},olx,2,${T + 2_000},${T + 2_500},,,,${T + 6_000},1`);
});

test("each 429 is a failure, split into the chat's limit (a message to it accepted under a second before) and the bot's", () => {
  const r = analyse(input({
    expected: new Set([key(A, L1)]),
    telegram: telegram([message(A, T + 10_000, [urlOf(L1)])], [
      call(A, T + 10_500, 429), // A got a message 500 ms before: its own 1/s limit
      call(B, T + 10_500, 429), // B got nothing: the bot's 30/s
      call(A, T + 11_200, 429), // 1.2 s after A's message: the bot's
      call(B, T + 12_000, 400), // another error
      call(ADMIN_CHAT_ID, T + 12_000, 500), // the admin chat's failures aren't users' errors
    ]),
  }));
  assert.equal(r.result.http_429, 3);
  assert.equal(r.result.http_429_per_chat, 1);
  assert.equal(r.result.telegram_errors, 1);
  assert.deepEqual(r.result.failures, ["3 HTTP 429"]);
});

test("the steady lane's figure leaves out a listing that reached more than 100 chats beside the burst", () => {
  const burst = listing("olx", 50, T + 30_000);
  const wide = Array.from({ length: 101 }, (_, i) => 600_000 + i);
  const r = analyse(input({
    preset: { name: "large", burstUsers: 2, feedIntervalS: 5 },
    published: [burst, L1, L2],
    expected: new Set([key(A, burst), key(B, burst), key(500_004, L1), ...wide.map((c) => key(c, L2))]),
    telegram: telegram([
      message(A, T + 31_000, [urlOf(burst)]),
      message(500_004, T + 32_000, [urlOf(L1)]),
      ...wide.map((c) => message(c, T + 33_000, [urlOf(L2)])),
      message(B, T + 60_000, [urlOf(burst)]),
    ]),
    burstListing: burst,
  }));
  assert.equal(r.result.burst?.steady_during.n, 102);
  assert.deepEqual(r.result.burst?.steady_lane_during, { n: 1, p50_ms: T + 32_000 - L1.publishedAt, p95_ms: T + 32_000 - L1.publishedAt });
});

test("a world that expects nothing fails: a bench that checks nothing must not pass", () => {
  const r = analyse(input());
  assert.deepEqual(r.result.failures, ["nothing was expected: the world matched no search"]);
  assert.equal(r.result.ok, false);
});

test("the burst is timed from its publication, and the steady users' messages while it drained are timed apart", () => {
  const burst = listing("olx", 50, T + 30_000);
  const at = [31_000, 31_500, 33_000].map((t) => T + t);
  const chats = [A, B, 500_003];
  const r = analyse(input({
    preset: { name: "large", burstUsers: 3, feedIntervalS: 5 },
    published: [burst, L1],
    expected: new Set([...chats.map((c) => key(c, burst)), key(500_004, L1)]),
    telegram: telegram([
      ...chats.map((c, i) => message(c, at[i] as number, [urlOf(burst)])),
      // A steady listing's message, inside the burst's window.
      message(500_004, T + 32_000, [urlOf(L1)]),
    ]),
    burstListing: burst,
  }));
  assert.deepEqual(r.result.burst, {
    users: 3,
    delivered: 3,
    first_ms: 1_000,
    p50_ms: 1_500,
    p95_ms: 3_000,
    last_ms: 3_000,
    msgs_per_s: 1,
    // 4 messages from 31 s to 33 s.
    all_msgs_per_s: 2,
    steady_during: { n: 1, p50_ms: T + 32_000 - L1.publishedAt, p95_ms: T + 32_000 - L1.publishedAt, seen_p95_ms: null },
    steady_lane_during: { n: 1, p50_ms: T + 32_000 - L1.publishedAt, p95_ms: T + 32_000 - L1.publishedAt },
    steady_outside: { n: 0, p95_ms: null },
  });
  assert.equal(r.result.steady_during_burst_p95_ms, T + 32_000 - L1.publishedAt);
  assert.equal(r.result.burst_msgs_per_s, 2);
  assert.equal(r.result.peak_msgs_in_1s, 2);
  assert.equal(r.result.backlog_msgs_per_s, 0.8);
});

test("run times come from the timestamps given: publication, drain, wall, and the feed interval each site saw", () => {
  const r = analyse(input({
    expected: new Set([key(A, L1)]),
    telegram: telegram([message(A, T + 5_000, [urlOf(L1)])]),
    publishFrom: T,
    drainFrom: T + 61_240,
    drainedAt: T + 70_000,
    wallMs: 123_456,
    // Before publication and after drained don't count; gaps 3 000, 3 000, 4 000.
    fetchTimes: { olx: [T - 1_000, T, T + 3_000, T + 6_000, T + 10_000, T + 80_000], otodom: [T + 100] },
  }));
  assert.equal(r.result.publish_s, 61.2);
  assert.equal(r.result.drain_s, 8.8);
  assert.equal(r.result.wall_s, 123.5);
  assert.deepEqual(r.result.feed_fetch_gap_p50_ms, { olx: 3_000, otodom: null });
});

const durable = () => ({ calls: 0, alarms: 0, ms: 0, rowsRead: 0, rowsWritten: 0, uncounted: 0 });

/** Counts of the Worker with every number zero but those given per D1 stage. */
function counts(d1: Partial<Record<"cron" | "filter" | "notifier" | "other", number>>, invocations: Partial<BenchCounts["invocations"]> = {}): BenchCounts {
  const tally = (statements: number) => ({ statements, roundTrips: statements, rowsRead: 2 * statements, rowsWritten: statements, unmetered: 0 });
  return {
    d1: { cron: tally(d1.cron ?? 0), filter: tally(d1.filter ?? 0), notifier: tally(d1.notifier ?? 0), other: tally(d1.other ?? 0) },
    invocations: { scheduled: 0, queueBatches: 0, queueMessages: 0, queueMs: 0, fetch: 0, ...invocations },
    durable: { notifier: durable(), poller: durable(), scheduler: durable() },
    dataPoints: 0,
    logLines: 0,
  };
}

test("D1 per listing and per stage come from the counts' difference over the window, and the cost from the CPU time", () => {
  const r = analyse(input({
    expected: new Set([key(A, L1)]),
    telegram: telegram([message(A, T + 5_000, [urlOf(L1)])]),
    countsBefore: counts({ cron: 10 }),
    countsAfter: counts({ cron: 16, filter: 3, notifier: 2 }, { queueBatches: 2, queueMs: 30 }),
    cpuMs: 900,
    drainedAt: T + 60_000,
  }));
  // 11 statements for 3 listings.
  assert.equal(r.result.d1_queries_per_listing, 3.7);
  assert.deepEqual(r.result.d1_statements_by_stage, { cron: 6, filter: 3, notifier: 2, other: 0 });
  assert.equal(r.result.time_per_stage?.d1_rows_read, 22);
  assert.equal(r.result.time_per_stage?.filter_wall_ms_per_batch, 15);
  assert.equal(r.result.time_per_stage?.workerd_cpu_ms_per_listing, 300);
  assert.equal(r.result.time_per_stage?.workerd_cpu_ms_per_message, 900);
  // 60 s of run at FEED_INTERVAL_S 3 stand for 20 minutes of production.
  assert.equal(r.result.cost?.production_hours, 0.33);
  assert.equal(r.result.cost_usd_per_month, r.result.cost?.total_usd);
});

test("no D1 figures when the tally missed the Notifiers (messages went, notifier statements 0): they would undercount", () => {
  const r = analyse(input({
    expected: new Set([key(A, L1)]),
    telegram: telegram([message(A, T + 5_000, [urlOf(L1)])]),
    countsBefore: counts({}),
    countsAfter: counts({ cron: 5, filter: 5 }),
    cpuMs: 900,
  }));
  assert.equal(r.result.d1_queries_per_listing, null);
  assert.equal(r.result.time_per_stage, null);
  assert.equal(r.result.cost, null);
});

// ------------------------------------------------------------ one message per flat, price drops (issue 16)

/** Chat A's search on OLX rentals in Wrocław, no bounds: it matches L1 and every ad of its flat. */
const searchA = { user: { telegramId: A, chatId: A }, name: "s", feed: { source: "olx" as const, deal: "rent" as const, property: "flat" as const, city: "wroclaw" }, priceMin: null, priceMax: null };
const flatWorld = { feeds: [], burst: null, users: [{ telegramId: A, chatId: A }], searches: [searchA] };
/** A repost of L1's flat: another ad (id 4), the same flat. */
const REPOST = { ...listing("olx", 4, T + 20_000), flatId: L1.flatId };
/** L1's card, as src/telegram/render.ts writes one: the price on its 💰 line. */
const card = (chat: number, at: number, l: Published, price = 3000) => message(chat, at, [urlOf(l)], `<b>flat</b>\n💰 <b>${price.toLocaleString("pl-PL")} zł</b>`);
/** A 📉 reply to `to` with a button to the ad. */
const dropReply = (to: FakeTelegramMessage, at: number, l: Published, text = "📉 3 000 zł → 2 800 zł (−6,7 %)") => ({ ...message(to.chat_id, at, [urlOf(l)], text), reply_to: to.message_id });
const merged = (l: Published, chat = A): NotificationRow => ({ source: l.source, external_id: l.externalId, chat_id: chat, matched_at: T + 21_000, handed_at: T + 21_000, sent_at: T + 22_000, status: "merged", digest: 0 });

test("a repost merged into the flat's first card is not lost: one card per flat, and D1's merged rows are reposts_merged", () => {
  const c = card(A, T + 5_000, L1);
  const { result } = analyse(
    input({ world: flatWorld, published: [L1, REPOST], expected: new Set([key(A, L1)]), telegram: telegram([c]), rows: { listings: [], notifications: [merged(REPOST)], feeds: [] } }),
  );
  assert.equal(result.delivered, 1);
  assert.equal(result.lost, 0);
  assert.equal(result.duplicates, 0);
  assert.equal(result.reposts_merged, 1);
  assert.equal(result.price_drops_sent, 0);
  assert.deepEqual(result.failures, []);
});

test("a repost sent as a card of its own is a duplicate of its flat, though its ad is another", () => {
  const { result } = analyse(input({ world: flatWorld, published: [L1, REPOST], expected: new Set([key(A, L1)]), telegram: telegram([card(A, T + 5_000, L1), card(A, T + 25_000, REPOST)]) }));
  assert.equal(result.delivered, 1);
  assert.equal(result.duplicates, 1);
  assert.equal(result.ok, false);
});

const DROP = { at: T + 30_000, key: L1.key, old: 3000, new: 2800 };

test("a drop of 3 % or more of a flat the chat had, replied once to its card, passes", () => {
  const c = card(A, T + 5_000, L1);
  const { result } = analyse(input({ world: flatWorld, expected: new Set([key(A, L1)]), priceChanges: [DROP], telegram: telegram([c, dropReply(c, T + 33_000, L1)]) }));
  assert.equal(result.price_drops_expected, 1);
  assert.equal(result.price_drops_sent, 1);
  assert.equal(result.duplicates, 0, "a reply is no second card");
  assert.deepEqual(result.failures, []);
});

test("a drop never replied fails the run, and so does one replied twice", () => {
  const c = card(A, T + 5_000, L1);
  const missing = analyse(input({ world: flatWorld, expected: new Set([key(A, L1)]), priceChanges: [DROP], telegram: telegram([c]) })).result;
  assert.equal(missing.price_drops_expected, 1);
  assert.equal(missing.price_drops_sent, 0);
  assert.match(missing.failures.join("; "), /1 price drops never replied \(500001\|olx:1\)/);
  const twice = analyse(input({ world: flatWorld, expected: new Set([key(A, L1)]), priceChanges: [DROP], telegram: telegram([c, dropReply(c, T + 33_000, L1), dropReply(c, T + 40_000, L1)]) })).result;
  assert.equal(twice.price_drops_sent, 2);
  assert.match(twice.failures.join("; "), /1 price drops replied more than once \(500001\|olx:1 ×2\)/);
});

test("a drop under 3 % is due nothing, and a reply to it fails the run; so does a drop the card already told", () => {
  const c = card(A, T + 5_000, L1);
  const small = { ...DROP, new: 2950 };
  const quiet = analyse(input({ world: flatWorld, expected: new Set([key(A, L1)]), priceChanges: [small], telegram: telegram([c]) })).result;
  assert.equal(quiet.price_drops_expected, 0);
  assert.deepEqual(quiet.failures, []);
  const replied = analyse(input({ world: flatWorld, expected: new Set([key(A, L1)]), priceChanges: [small], telegram: telegram([c, dropReply(c, T + 33_000, L1, "📉 3 000 zł → 2 950 zł")]) })).result;
  assert.match(replied.failures.join("; "), /1 price-drop replies nothing called for \(500001\|olx:1 ×1\)/);
  // The drop came before the card went out, which told 2 800 zł: nothing more is due.
  const told = analyse(input({ world: flatWorld, expected: new Set([key(A, L1)]), priceChanges: [{ ...DROP, at: T + 2_000 }], telegram: telegram([card(A, T + 5_000, L1, 2800)]) })).result;
  assert.equal(told.price_drops_expected, 0);
  assert.deepEqual(told.failures, []);
});

test("a repost cheaper by 3 % or more than the card is due a reply; a dearer one nothing", () => {
  const c = card(A, T + 5_000, L1);
  const cheaper = { ...REPOST, price: 2880 };
  const due = analyse(input({ world: flatWorld, published: [L1, cheaper], expected: new Set([key(A, L1)]), telegram: telegram([c, dropReply(c, T + 25_000, cheaper, "📉 3 000 zł → 2 880 zł (−4 %)")]) })).result;
  assert.equal(due.price_drops_expected, 1);
  assert.deepEqual(due.failures, []);
  const dearer = analyse(input({ world: flatWorld, published: [L1, { ...REPOST, price: 3100 }], expected: new Set([key(A, L1)]), telegram: telegram([c]) })).result;
  assert.equal(dearer.price_drops_expected, 0);
  assert.deepEqual(dearer.failures, []);
});
