/**
 * The benchmark's analysis: from what a run collected (the listings the fakes
 * published, the fake Telegram's record, D1's rows, the Worker's counts, the
 * run's timestamps) to its BenchResult, latency distributions, scatter points,
 * per-notification samples and verdict. Pure: no files, no network, no clock;
 * every time it uses is passed in, so it can be tested on hand-built inputs.
 */
import type { FakeTelegramCall, FakeTelegramMessage } from "../sim/fake-telegram.ts";
import type { FeedRequests } from "../sim/request-log.ts";
import { estimateMonthlyCost } from "./cost.ts";
import { detection, pollerFiguresOf } from "./detection.ts";
import type { Preset } from "./presets.ts";
import { type BenchResult, type Distribution, type Point, STAGES, type Stage, busiestWindow, distribution, drift, percentile } from "./report.ts";
import { type BenchWorld, type Published, type Source, nationalFeedsOf, pairKey, urlIdOf } from "./seed.ts";
import { d1Totals, diffCounts, pollerUsage, usageOf } from "./usage.ts";
import type { BenchCounts } from "./worker.ts";

/** The Worker's ADMIN_CHAT_ID in the bench: its alerts are counted apart, never as users' notifications. */
export const ADMIN_CHAT_ID = 1;
/** wrangler.toml's cron, "* * * * *": once a minute in production, whatever the load. */
const CRON_PER_MONTH = 43_830;

/** A `listings` row of the local D1 at the end of the run. */
export interface ListingRow {
  source: string;
  external_id: string;
  published_at: number | null;
  first_seen_at: number;
  enqueued_at: number | null;
  filtered_at: number | null;
  notify: number;
}

/** A `notifications` row of the local D1 at the end of the run, with its user's chat and its listing's key. */
export interface NotificationRow {
  source: string;
  external_id: string;
  chat_id: number;
  matched_at: number;
  handed_at: number | null;
  sent_at: number | null;
  status: string;
  digest: number;
}

/** A `feeds` row of the local D1 at the end: its pollers' figures (PollerStats JSON), once there are pollers. */
export interface FeedRow {
  stats?: string | null;
}

/** What the analysis reads of D1. */
export interface D1Rows {
  listings: ListingRow[];
  notifications: NotificationRow[];
  feeds: FeedRow[];
}

/** A listing the fakes published, and whether it was there before the feeds' baseline. */
export type IndexedListing = Published & { isBaseline: boolean };

/** One arrival of a listing in a user's chat. */
export interface Delivery {
  chatId: number;
  listing: IndexedListing;
  /** When the fake Telegram accepted the message (ms). */
  at: number;
  digest: boolean;
}

/** `<site of its url>:<url id>` of every listing the fakes published (new and baseline) → that listing. */
export function indexByUrl(published: readonly Published[], baseline: readonly Published[]): Map<string, IndexedListing> {
  const map = new Map<string, IndexedListing>();
  for (const l of baseline) map.set(`${l.urlSource}:${l.urlId}`, { ...l, isBaseline: true });
  for (const l of published) map.set(`${l.urlSource}:${l.urlId}`, { ...l, isBaseline: false });
  return map;
}

/** The listing URLs a message carries: its buttons, and the links of its text (digests). */
export function urlsOf(m: FakeTelegramMessage): string[] {
  const urls: string[] = [];
  const markup = m.reply_markup as { inline_keyboard?: { url?: string }[][] } | null;
  for (const row of markup?.inline_keyboard ?? []) for (const b of row) if (b.url) urls.push(b.url);
  for (const match of (m.text ?? m.caption ?? "").matchAll(/href="([^"]+)"/g)) urls.push((match[1] as string).replace(/&amp;/g, "&"));
  return urls;
}

/** Which site a listing URL is on, by its host; null for anything else (or no URL at all). */
export function sourceOfUrl(url: string): "olx" | "otodom" | null {
  try {
    const host = new URL(url).hostname;
    if (host === "olx.pl" || host.endsWith(".olx.pl")) return "olx";
    if (host === "otodom.pl" || host.endsWith(".otodom.pl")) return "otodom";
  } catch {
    // not a URL
  }
  return null;
}

/** (chat, listing) → every time it was delivered, from the user chats' messages; a message's URLs count once each. */
export function deliveredPairs(messages: readonly FakeTelegramMessage[], byUrl: ReadonlyMap<string, IndexedListing>): Map<string, Delivery[]> {
  const out = new Map<string, Delivery[]>();
  for (const m of messages) {
    if (m.chat_id === ADMIN_CHAT_ID) continue;
    const urls = urlsOf(m);
    // A button and a text link to the same ad are one delivery, not a duplicate.
    const keys = new Set<string>();
    for (const url of urls) {
      const source = sourceOfUrl(url);
      const id = urlIdOf(url);
      if (source && id) keys.add(`${source}:${id}`);
    }
    for (const key of keys) {
      const listing = byUrl.get(key);
      if (!listing) continue;
      const pair = pairKey(m.chat_id, listing.key);
      const list = out.get(pair) ?? [];
      list.push({ chatId: m.chat_id, listing, at: m.at, digest: m.method === "sendMessage" && urls.length > 1 });
      out.set(pair, list);
    }
  }
  return out;
}

/** Expected pairs that were never delivered, in `expected`'s order. */
export function missingPairs(expected: ReadonlySet<string>, got: ReadonlyMap<string, unknown>): string[] {
  return [...expected].filter((p) => !got.has(p));
}

/** Everything a run collected, as plain data. Times are ms since epoch unless named otherwise. */
export interface AnalysisInput {
  preset: Pick<Preset, "name" | "burstUsers" | "feedIntervalS">;
  seed: number;
  world: BenchWorld;
  /** Listings published after the baseline: the ones that should be notified. */
  published: readonly Published[];
  /** Listings the fakes had before the feeds' baseline: stored, never to be sent. */
  baseline: readonly Published[];
  /** pairKey(chat, listing) of every notification the seeded searches call for. */
  expected: ReadonlySet<string>;
  /** The fake Telegram's record. */
  telegram: { readonly messages: readonly FakeTelegramMessage[]; readonly calls: readonly FakeTelegramCall[] };
  rows: D1Rows;
  countsBefore: BenchCounts | null;
  countsAfter: BenchCounts | null;
  /** wrangler dev's workerd CPU time over the same window. */
  cpuMs: number | null;
  feedFetches: number;
  /** When each fake site was asked for a page. */
  fetchTimes: Readonly<Record<"olx" | "otodom", readonly number[]>>;
  /** What each fake site counted of its feeds' requests (sim/request-log.ts). */
  siteFeeds: Readonly<Record<Source, Readonly<Record<string, FeedRequests>>>>;
  /** OLX_REQUESTS_PER_MIN and OTODOM_REQUESTS_PER_MIN as wrangler.toml sets them; null: not set. */
  budgets: Readonly<Record<Source, number | null>>;
  publishFrom: number;
  drainFrom: number;
  drainedAt: number;
  /** The run's wall time so far (ms). */
  wallMs: number;
  /** The one listing that matches preset.burstUsers users; null: no burst. */
  burstListing: Published | null;
  networkRetries: number;
}

/** The distributions the text and markdown tables show. */
export interface Distributions {
  e2e: Distribution;
  published: Distribution;
  stages: Record<Stage, Distribution>;
}

/** The analysis of a run: its result, and what the report files are drawn from. */
export interface Analysis {
  result: BenchResult;
  dists: Distributions;
  /** One per delivered expected notification: published → accepted, over the run's time. */
  points: Point[];
  /** CSV lines (header first), one per delivered expected notification. */
  samples: string[];
}

/** Turns a run's collected inputs into its result: counts, latencies, usage, cost and the pass/fail verdict. */
export function analyse(input: AnalysisInput): Analysis {
  const { published, expected, telegram, rows, world, preset } = input;
  const got = deliveredPairs(telegram.messages, indexByUrl(published, input.baseline));
  const listingRow = new Map(rows.listings.map((r) => [`${r.source}:${r.external_id}`, r]));
  const notificationRow = new Map(rows.notifications.map((r) => [pairKey(r.chat_id, `${r.source}:${r.external_id}`), r]));

  const d = deliveries(got, expected, listingRow, notificationRow, input.publishFrom);
  const burst = input.burstListing ? burstOf(input.burstListing, got, preset.burstUsers, listingRow, telegram.messages) : null;
  const lostPairs = missingPairs(expected, got);
  const lost = lostPairs.length;
  // Where the first few lost ones stopped: what D1 knows of them.
  const lostDetail = lostPairs.slice(0, 10).map((pair) => whereLost(pair, listingRow, notificationRow));

  const t = telegramTally(telegram);
  const usage = usageFigures(input, t.userMessages);
  const detected = detection({
    published,
    listings: rows.listings,
    publishedToAccepted: d.fromPublishedBySource,
    siteFeeds: input.siteFeeds,
    pollers: pollerFiguresOf(rows.feeds.map((f) => f.stats)),
    from: input.publishFrom,
    to: input.drainedAt,
    budgets: input.budgets,
    lost,
    duplicates: d.duplicates,
  });

  const byStatus: Record<string, number> = {};
  for (const n of rows.notifications) byStatus[n.status] = (byStatus[n.status] ?? 0) + 1;

  const dists: Distributions = {
    e2e: distribution(d.e2e),
    published: distribution(d.fromPublished),
    stages: Object.fromEntries(STAGES.map(([s]) => [s, distribution(d.stages[s])])) as Record<Stage, Distribution>,
  };
  const failures: string[] = [];
  if (lost) failures.push(`${lost} lost (${lostDetail.join("; ")}${lost > lostDetail.length ? "; …" : ""})`);
  if (d.duplicates) failures.push(`${d.duplicates} duplicated`);
  if (d.unexpected) failures.push(`${d.unexpected} unexpected`);
  if (t.http429) failures.push(`${t.http429} HTTP 429`);
  if (expected.size === 0) failures.push("nothing was expected: the world matched no search");

  // Field order is the JSON's and the report's: keep it.
  const result: BenchResult = {
    preset: preset.name,
    seed: input.seed,
    users: world.users.length,
    searches: world.searches.length,
    // The national feeds the Worker polls for these searches (site x deal x property).
    feeds: nationalFeedsOf(world).length,
    listings: published.length,
    expected: expected.size,
    delivered: d.delivered,
    lost,
    duplicates: d.duplicates,
    unexpected: d.unexpected,
    http_429: t.http429,
    http_429_per_chat: t.http429PerChat,
    telegram_errors: t.otherErrors,
    telegram_network_retries: input.networkRetries,
    admin_alerts: t.adminAlerts,
    messages: t.userMessages,
    digest_messages: t.digests,
    e2e_p50_ms: dists.e2e.p50,
    e2e_p95_ms: dists.e2e.p95,
    e2e_p99_ms: dists.e2e.p99,
    published_e2e_p50_ms: dists.published.p50,
    published_e2e_p95_ms: dists.published.p95,
    published_e2e_p99_ms: dists.published.p99,
    ...detected,
    stage_p95_ms: Object.fromEntries(STAGES.map(([s]) => [s, dists.stages[s].p95])) as Record<Stage, number | null>,
    stage_p50_ms: Object.fromEntries(STAGES.map(([s]) => [s, dists.stages[s].p50])) as Record<Stage, number | null>,
    backlog_msgs_per_s: Math.round((t.busiest5 / 5) * 10) / 10,
    peak_msgs_in_1s: t.busiest1,
    d1_queries_per_listing: usage.d1PerListing,
    d1_round_trips_per_listing: usage.d1RoundTripsPerListing,
    d1_statements_by_stage: usage.d1ByStage,
    time_per_stage: usage.perStage,
    cost_usd_per_month: usage.cost?.total_usd ?? null,
    cost: usage.cost,
    d1_notifications_by_status: byStatus,
    feed_fetches: input.feedFetches,
    feed_fetch_gap_p50_ms: feedFetchGaps(input.fetchTimes, input.publishFrom, input.drainedAt),
    publish_s: Math.round((input.drainFrom - input.publishFrom) / 100) / 10,
    drain_s: Math.round((input.drainedAt - input.drainFrom) / 100) / 10,
    wall_s: Math.round(input.wallMs / 100) / 10,
    feed_interval_s: preset.feedIntervalS,
    drift: drift(d.points, input.drainFrom - input.publishFrom),
    steady_during_burst_p95_ms: burst?.steady_during.p95_ms ?? null,
    burst_msgs_per_s: burst?.all_msgs_per_s ?? null,
    burst,
    ok: failures.length === 0,
    failures,
  };
  return { result, dists, points: d.points, samples: d.samples };
}

/**
 * The delivered pairs, one by one: counted once however often they came (the
 * extra copies are duplicates), and timed from their first arrival, stage by
 * stage where D1 has the listing's and the notification's timestamps.
 */
function deliveries(
  got: ReadonlyMap<string, Delivery[]>,
  expected: ReadonlySet<string>,
  listingRow: ReadonlyMap<string, ListingRow>,
  notificationRow: ReadonlyMap<string, NotificationRow>,
  publishFrom: number,
) {
  let delivered = 0;
  let duplicates = 0;
  let unexpected = 0;
  const e2e: number[] = [];
  const fromPublished: number[] = [];
  const fromPublishedBySource: Record<Source, number[]> = { olx: [], otodom: [] };
  const stages: Record<Stage, number[]> = { detect: [], enqueue: [], filter: [], handoff: [], send: [] };
  const points: Point[] = [];
  const samples: string[] = ["chat_id,source,external_id,published_at,first_seen_at,enqueued_at,matched_at,handed_at,accepted_at,copies"];
  for (const [pair, copies] of got) {
    duplicates += copies.length - 1;
    if (!expected.has(pair)) {
      unexpected++;
      continue;
    }
    delivered++;
    const first = copies[0] as Delivery;
    const l = first.listing;
    const row = listingRow.get(l.key);
    const n = notificationRow.get(pair);
    fromPublished.push(first.at - l.publishedAt);
    fromPublishedBySource[l.source].push(first.at - l.publishedAt);
    points.push({ t: first.at - publishFrom, ms: first.at - l.publishedAt, series: l.source });
    samples.push(
      [first.chatId, l.source, l.externalId, l.publishedAt, row?.first_seen_at, row?.enqueued_at, n?.matched_at, n?.handed_at, first.at, copies.length]
        .map((v) => v ?? "")
        .join(","),
    );
    if (!row) continue;
    e2e.push(first.at - row.first_seen_at);
    stages.detect.push(row.first_seen_at - l.publishedAt);
    if (row.enqueued_at !== null) stages.enqueue.push(row.enqueued_at - row.first_seen_at);
    if (n && row.enqueued_at !== null) stages.filter.push(n.matched_at - row.enqueued_at);
    if (n && n.handed_at !== null) {
      stages.handoff.push(n.handed_at - n.matched_at);
      stages.send.push(first.at - n.handed_at);
    }
  }
  return { delivered, duplicates, unexpected, e2e, fromPublished, fromPublishedBySource, stages, points, samples };
}

/**
 * The burst: how fast its messages went out (against the 30 msg/s ceiling),
 * timed from its publication; and what it did to everyone else. While its
 * messages went out (first to last), every user message counts towards the
 * delivered rate, and the other listings' first arrivals are the steady
 * users' latency during the burst, published → accepted and, to tell delivery
 * from detection, first seen → accepted.
 */
function burstOf(
  listing: Published,
  got: ReadonlyMap<string, Delivery[]>,
  users: number,
  listingRow: ReadonlyMap<string, ListingRow>,
  messages: readonly { chat_id: number; at: number }[],
): NonNullable<BenchResult["burst"]> {
  const at = [...got].filter(([pair]) => pair.endsWith(`|${listing.key}`)).map(([, d]) => (d[0] as Delivery).at).sort((a, b) => a - b);
  const from = listing.publishedAt;
  const start = at[0];
  const end = at.at(-1);
  const spanS = start !== undefined && end !== undefined && end > start ? (end - start) / 1000 : null;
  const during = (t: number) => start !== undefined && end !== undefined && t >= start && t <= end;
  const steady = [...got].filter(([pair]) => !pair.endsWith(`|${listing.key}`)).map(([, d]) => d[0] as Delivery);
  const inside = steady.filter((d) => during(d.at));
  const outside = steady.filter((d) => !during(d.at));
  const seenToAccepted = inside.flatMap((d) => {
    const row = listingRow.get(d.listing.key);
    return row ? [d.at - row.first_seen_at] : [];
  });
  const sent = messages.filter((m) => m.chat_id !== ADMIN_CHAT_ID && during(m.at)).length;
  return {
    users,
    delivered: at.length,
    first_ms: start !== undefined ? start - from : null,
    p50_ms: percentile(at.map((t) => t - from), 50),
    p95_ms: percentile(at.map((t) => t - from), 95),
    last_ms: end !== undefined ? end - from : null,
    msgs_per_s: spanS ? Math.round(((at.length - 1) / spanS) * 10) / 10 : null,
    all_msgs_per_s: spanS ? Math.round((sent / spanS) * 10) / 10 : null,
    steady_during: {
      n: inside.length,
      p50_ms: percentile(inside.map((d) => d.at - d.listing.publishedAt), 50),
      p95_ms: percentile(inside.map((d) => d.at - d.listing.publishedAt), 95),
      seen_p95_ms: percentile(seenToAccepted, 95),
    },
    steady_outside: { n: outside.length, p95_ms: percentile(outside.map((d) => d.at - d.listing.publishedAt), 95) },
  };
}

/** `chat <id> <listing>: <how far it got>`, for the failure line of a lost notification. */
function whereLost(pair: string, listingRow: ReadonlyMap<string, ListingRow>, notificationRow: ReadonlyMap<string, NotificationRow>): string {
  const [chat = "", key = ""] = pair.split("|");
  const row = listingRow.get(key);
  const n = notificationRow.get(pair);
  const where = !row ? "never stored" : row.notify === 0 ? "stored as baseline/duplicate" : !n ? "stored, no match recorded" : `notification ${n.status}`;
  return `chat ${chat} ${key}: ${where}`;
}

/** The fake Telegram's record in numbers: users' messages and digests, admin alerts, refusals, the busiest windows. */
function telegramTally(telegram: AnalysisInput["telegram"]) {
  const userMessages = telegram.messages.filter((m) => m.chat_id !== ADMIN_CHAT_ID);
  // A failed call to the admin chat is the Worker's alerting, not a user's send: not a telegram_error.
  const calls = telegram.calls.filter((c) => c.chat_id !== ADMIN_CHAT_ID || c.ok);
  const refused = telegram.calls.filter((c) => c.error_code === 429);
  // Which limit each 429 hit: the chat's (a message to it accepted less than a second before) or the bot's 30/s.
  const acceptedByChat = Map.groupBy(telegram.messages, (m) => m.chat_id);
  const http429PerChat = refused.filter((c) => (acceptedByChat.get(c.chat_id ?? 0) ?? []).some((m) => m.at <= c.at && m.at > c.at - 1000)).length;
  const times = userMessages.map((m) => m.at);
  return {
    userMessages: userMessages.length,
    digests: userMessages.filter((m) => urlsOf(m).length > 1).length,
    adminAlerts: telegram.messages.length - userMessages.length,
    http429: refused.length,
    http429PerChat,
    otherErrors: calls.filter((c) => !c.ok && c.error_code !== 429).length,
    busiest5: busiestWindow(times, 5_000).count,
    busiest1: busiestWindow(times, 1_000).count,
  };
}

/** D1 per listing, time and CPU per stage, and the monthly cost, from the Worker's counts over the run's window; null where not measured. */
function usageFigures(input: AnalysisInput, userMessages: number) {
  const out: {
    d1PerListing: number | null;
    d1RoundTripsPerListing: number | null;
    d1ByStage: Record<string, number> | null;
    perStage: BenchResult["time_per_stage"];
    cost: BenchResult["cost"];
  } = { d1PerListing: null, d1RoundTripsPerListing: null, d1ByStage: null, perStage: null, cost: null };
  const { countsBefore: before, countsAfter: after, cpuMs } = input;
  const listings = input.published.length;
  // Counted only when the tally saw the Notifiers too (same isolate as the handlers), else it would undercount.
  if (!(before && after && listings > 0 && (userMessages === 0 || after.d1.notifier.statements > 0))) return out;
  const delta = diffCounts(before, after);
  const d1 = d1Totals(delta);
  out.d1ByStage = Object.fromEntries(Object.entries(delta.d1).map(([stage, t]) => [stage, t.statements]));
  out.d1PerListing = Math.round((d1.statements / listings) * 10) / 10;
  out.d1RoundTripsPerListing = Math.round((d1.roundTrips / listings) * 10) / 10;
  const per = (total: number, n: number) => (n > 0 ? Math.round((total / n) * 10) / 10 : null);
  out.perStage = {
    workerd_cpu_ms: cpuMs,
    workerd_cpu_ms_per_listing: cpuMs === null ? null : per(cpuMs, listings),
    workerd_cpu_ms_per_message: cpuMs === null ? null : per(cpuMs, userMessages),
    filter_wall_ms_per_batch: per(delta.invocations.queueMs, delta.invocations.queueBatches),
    filter_batches: delta.invocations.queueBatches,
    notifier_wall_ms_per_call: per(delta.durable.notifier.ms, delta.durable.notifier.calls + delta.durable.notifier.alarms),
    notifier_calls: delta.durable.notifier.calls,
    notifier_alarms: delta.durable.notifier.alarms,
    scheduler_calls: delta.durable.scheduler.calls,
    scheduler_alarms: delta.durable.scheduler.alarms,
    notifier_rows_written_per_message: per(delta.durable.notifier.rowsWritten, userMessages),
    scheduler_rows_written_per_message: per(delta.durable.scheduler.rowsWritten, userMessages),
    do_requests_per_message: per(
      delta.durable.notifier.calls + delta.durable.notifier.alarms + delta.durable.scheduler.calls + delta.durable.scheduler.alarms,
      userMessages,
    ),
    notifiers_uncounted: delta.durable.notifier.uncounted,
    poller_wall_ms_per_call: per(delta.durable.poller.ms, delta.durable.poller.calls + delta.durable.poller.alarms),
    poller_calls: delta.durable.poller.calls,
    poller_alarms: delta.durable.poller.alarms,
    d1_rows_read: d1.rowsRead,
    d1_rows_written: d1.rowsWritten,
    d1_unmetered_statements: d1.unmetered,
    d1_rows_by_stage: Object.fromEntries(Object.entries(delta.d1).map(([stage, t]) => [stage, { read: t.rowsRead, written: t.rowsWritten }])),
  };
  if (cpuMs !== null) {
    // The run's window stands for this much production time: its clock runs 60 / FEED_INTERVAL_S times fast.
    const productionS = ((input.drainedAt - input.publishFrom) / 1000) * (60 / input.preset.feedIntervalS);
    // The pollers poll at production's pace whatever the compression: their per-poll share is scaled by wall time.
    const wallS = (input.drainedAt - input.publishFrom) / 1000;
    const estimate = estimateMonthlyCost(usageOf(delta, cpuMs), productionS, CRON_PER_MONTH, {
      label: "FeedPollers' polls (real clock)",
      usage: pollerUsage(delta),
      seconds: wallS,
    });
    out.cost = { ...estimate, production_hours: Math.round((productionS / 3600) * 100) / 100 };
  }
  return out;
}

/** Median gap between two page requests each fake site got from publication start to drained: the feed interval achieved. */
function feedFetchGaps(fetchTimes: AnalysisInput["fetchTimes"], from: number, to: number): Record<string, number | null> {
  return Object.fromEntries(
    (["olx", "otodom"] as const).map((site) => {
      const t = fetchTimes[site].filter((x) => x >= from && x <= to);
      return [site, distribution(t.slice(1).map((x, i) => x - (t[i] as number))).p50];
    }),
  );
}
