/**
 * The benchmark's analysis: from what a run collected (the listings the fakes
 * published, the fake Telegram's record, D1's rows, the Worker's counts, the
 * run's timestamps) to its BenchResult, latency distributions, scatter points,
 * per-notification samples and verdict. Pure: no files, no network, no clock;
 * every time it uses is passed in, so it can be tested on hand-built inputs.
 */
import { BULK_FANOUT } from "../src/model/dispatch.ts";
import type { FakeTelegramCall, FakeTelegramMessage } from "../sim/fake-telegram.ts";
import type { FeedRequests } from "../sim/request-log.ts";
import { estimateMonthlyCost } from "./cost.ts";
import { detection, pollerFiguresOf } from "./detection.ts";
import type { Preset } from "./presets.ts";
import { type BenchResult, type Distribution, type Point, STAGES, type Stage, busiestWindow, distribution, drift, percentile } from "./report.ts";
import { type BenchWorld, type Published, type Source, feedKeyOf, nationalFeedsOf, pairKey, searchMatches, urlIdOf } from "./seed.ts";
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

/** One arrival of a listing in a user's chat: a card (or a digest's line) of its flat. */
export interface Delivery {
  chatId: number;
  listing: IndexedListing;
  /** When the fake Telegram accepted the message (ms). */
  at: number;
  digest: boolean;
  /** The message's id and text, to read the price it told. */
  messageId: number;
  text: string;
}

/** A published ad's price changed (the fakes' truth: sim/publisher.ts PriceChange, by listing key). */
export interface PriceChangeRecord {
  at: number;
  /** `olx:<id>` / `otodom:<id>`, as Published.key. */
  key: string;
  old: number;
  new: number;
}

/** The reply that tells a chat its flat got cheaper starts with this (the contract of issue 16). */
export const PRICE_DROP_MARK = "📉";
/** A drop is due a reply from this much (src/model/price-change.ts DEFAULT_PRICE_DROP_THRESHOLD_PCT; the bench seeds no user threshold). */
const DROP_THRESHOLD = 0.03;

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

/** The listing keys a message links to, each once (a button and a text link to one ad are one). */
function listingsOf(m: FakeTelegramMessage, byUrl: ReadonlyMap<string, IndexedListing>): IndexedListing[] {
  const out = new Map<string, IndexedListing>();
  for (const url of urlsOf(m)) {
    const source = sourceOfUrl(url);
    const id = urlIdOf(url);
    const listing = source && id ? byUrl.get(`${source}:${id}`) : undefined;
    if (listing) out.set(listing.key, listing);
  }
  return [...out.values()];
}

/**
 * (chat, flat) → every card of it, from the user chats' messages: a message's ads count once
 * each, and two ads of one flat in a chat are two cards (a repost or cross-post sent as new is a
 * duplicate). Replies (reply_parameters: a price drop, another site) are no cards.
 */
export function deliveredPairs(messages: readonly FakeTelegramMessage[], byUrl: ReadonlyMap<string, IndexedListing>): Map<string, Delivery[]> {
  const out = new Map<string, Delivery[]>();
  for (const m of messages) {
    if (m.chat_id === ADMIN_CHAT_ID || (m.reply_to ?? null) !== null) continue;
    const urls = urlsOf(m);
    for (const listing of listingsOf(m, byUrl)) {
      const pair = pairKey(m.chat_id, listing.flatId);
      const list = out.get(pair) ?? [];
      list.push({ chatId: m.chat_id, listing, at: m.at, digest: m.method === "sendMessage" && urls.length > 1, messageId: m.message_id, text: m.text ?? m.caption ?? "" });
      out.set(pair, list);
    }
  }
  return out;
}

/** The price a single card told: its `💰 <b>2 900 zł</b>` line (src/telegram/render.ts); null: a digest, or none shown. */
export function toldPrice(d: Delivery): number | null {
  if (d.digest) return null;
  const m = /💰 <b>([\d\s\u00a0\u202f]+) zł<\/b>/.exec(d.text);
  return m?.[1] ? Number(m[1].replace(/\D/g, "")) : null;
}

/** A listing's price at `at` by the truth: its last change up to then, else the one it was published at. */
function priceAt(l: Published, changes: readonly PriceChangeRecord[], at: number): number | null {
  return changes.findLast((c) => c.key === l.key && c.at <= at)?.new ?? l.price;
}

/** The price-drop replies against the truth: what is due in each chat, what came. */
export interface PriceDropCheck {
  /** Replies due: (chat, flat) pairs whose flat got at least DROP_THRESHOLD cheaper than the chat was told. */
  expected: number;
  /** Replies starting with PRICE_DROP_MARK the user chats got. */
  sent: number;
  /** Due and never sent. */
  missing: string[];
  /** Sent more than once for one drop. */
  repeated: string[];
  /** Sent where nothing was due (a drop under the threshold, a rise, or no card of the flat in the chat). */
  unexpected: string[];
}

/**
 * Which chats are due a 📉 reply, and whether they got exactly it. A flat has at most one price
 * event in the fakes (sim/flat-events.ts), so a (chat, flat) is due one reply when any ad of the
 * flat that the chat's searches match, at any price it showed, is at least DROP_THRESHOLD under
 * the price the chat's first card told (read off the card; a digest's line: the truth at its
 * time), and none otherwise. A reply belongs to the flat of the card it answers, else of the ad
 * it links to.
 */
export function priceDrops(
  messages: readonly FakeTelegramMessage[],
  got: ReadonlyMap<string, Delivery[]>,
  world: BenchWorld,
  published: readonly Published[],
  changes: readonly PriceChangeRecord[],
  byUrl: ReadonlyMap<string, IndexedListing>,
): PriceDropCheck {
  const adsOfFlat = Map.groupBy(published, (l) => l.flatId);
  const searchesOf = Map.groupBy(world.searches, (s) => s.user.chatId);
  const changesOf = Map.groupBy(changes, (c) => c.key);
  const due = new Set<string>();
  for (const [pair, cards] of got) {
    const first = cards[0] as Delivery;
    const told = toldPrice(first) ?? priceAt(first.listing, changes, first.at);
    if (told === null) continue;
    const searches = searchesOf.get(first.chatId) ?? [];
    const lowest = Math.min(
      ...(adsOfFlat.get(first.listing.flatId) ?? []).flatMap((l) =>
        [l.price, ...(changesOf.get(l.key) ?? []).map((c) => c.new)].filter(
          (price): price is number => price !== null && searches.some((s) => feedKeyOf(s.feed) === feedKeyOf(l) && searchMatches(s, { ...l, price })),
        ),
      ),
    );
    if (lowest <= told * (1 - DROP_THRESHOLD)) due.add(pair);
  }
  const cardFlat = new Map<string, string>();
  for (const [pair, cards] of got) for (const d of cards) cardFlat.set(`${d.chatId}|${d.messageId}`, pair);
  const replies = new Map<string, number>();
  const unexpected: string[] = [];
  let sent = 0;
  for (const m of messages) {
    if (m.chat_id === ADMIN_CHAT_ID || !(m.text ?? m.caption ?? "").startsWith(PRICE_DROP_MARK)) continue;
    sent++;
    const linked = listingsOf(m, byUrl)[0];
    const pair = (m.reply_to !== null ? cardFlat.get(`${m.chat_id}|${m.reply_to}`) : undefined) ?? (linked ? pairKey(m.chat_id, linked.flatId) : `${m.chat_id}|?`);
    replies.set(pair, (replies.get(pair) ?? 0) + 1);
  }
  for (const [pair, n] of replies) if (!due.has(pair)) unexpected.push(`${pair} ×${n}`);
  const missing = [...due].filter((pair) => !replies.has(pair));
  const repeated = [...due].filter((pair) => (replies.get(pair) ?? 0) > 1).map((pair) => `${pair} ×${replies.get(pair)}`);
  return { expected: due.size, sent, missing, repeated, unexpected };
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
  /** pairKey(chat, flat) of every notification the seeded searches call for (one per flat, however many ads it has). */
  expected: ReadonlySet<string>;
  /** Every price change of a published ad, in time order (the fakes' truth). */
  priceChanges: readonly PriceChangeRecord[];
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
  const byUrl = indexByUrl(published, input.baseline);
  const got = deliveredPairs(telegram.messages, byUrl);
  const drops = priceDrops(telegram.messages, got, world, published, input.priceChanges, byUrl);
  const tolerated = matchedAfterDrop(world, published, input.priceChanges);
  const listingRow = new Map(rows.listings.map((r) => [`${r.source}:${r.external_id}`, r]));
  const notificationRow = new Map(rows.notifications.map((r) => [pairKey(r.chat_id, `${r.source}:${r.external_id}`), r]));

  const d = deliveries(got, expected, tolerated, listingRow, notificationRow, input.publishFrom);
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
  if (d.unexpected.length) failures.push(`${d.unexpected.length} unexpected (${d.unexpected.slice(0, 5).join("; ")}${d.unexpected.length > 5 ? "; …" : ""})`);
  const few = (pairs: readonly string[]) => `${pairs.slice(0, 5).join(", ")}${pairs.length > 5 ? ", …" : ""}`;
  if (drops.missing.length) failures.push(`${drops.missing.length} price drops never replied (${few(drops.missing)})`);
  if (drops.repeated.length) failures.push(`${drops.repeated.length} price drops replied more than once (${few(drops.repeated)})`);
  if (drops.unexpected.length) failures.push(`${drops.unexpected.length} price-drop replies nothing called for (${few(drops.unexpected)})`);
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
    unexpected: d.unexpected.length,
    reposts_merged: byStatus.merged ?? 0,
    price_drops_expected: drops.expected,
    price_drops_sent: drops.sent,
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
    steady_lane_during_burst_p95_ms: burst?.steady_lane_during.p95_ms ?? null,
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
  tolerated: ReadonlySet<string>,
  listingRow: ReadonlyMap<string, ListingRow>,
  notificationRow: ReadonlyMap<string, NotificationRow>,
  publishFrom: number,
) {
  let delivered = 0;
  let duplicates = 0;
  const unexpected: string[] = [];
  const e2e: number[] = [];
  const fromPublished: number[] = [];
  const fromPublishedBySource: Record<Source, number[]> = { olx: [], otodom: [] };
  const stages: Record<Stage, number[]> = { detect: [], enqueue: [], filter: [], handoff: [], send: [] };
  const points: Point[] = [];
  const samples: string[] = ["chat_id,source,external_id,published_at,first_seen_at,enqueued_at,matched_at,handed_at,accepted_at,copies"];
  for (const [pair, copies] of got) {
    duplicates += copies.length - 1;
    if (!expected.has(pair)) {
      if (!tolerated.has(pair)) unexpected.push(pair);
      continue;
    }
    delivered++;
    const first = copies[0] as Delivery;
    const l = first.listing;
    const row = listingRow.get(l.key);
    const n = notificationRow.get(pairKey(first.chatId, l.key));
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
  const at = [...got].filter(([pair]) => pair.endsWith(`|${listing.flatId}`)).map(([, d]) => (d[0] as Delivery).at).sort((a, b) => a - b);
  const from = listing.publishedAt;
  const start = at[0];
  const end = at.at(-1);
  const spanS = start !== undefined && end !== undefined && end > start ? (end - start) / 1000 : null;
  const during = (t: number) => start !== undefined && end !== undefined && t >= start && t <= end;
  const steady = [...got].filter(([pair]) => !pair.endsWith(`|${listing.flatId}`)).map(([, d]) => d[0] as Delivery);
  const inside = steady.filter((d) => during(d.at));
  // A flat's fan-out: the chats it reached (the filter's lane is by the users a listing matched).
  const fanout = new Map<string, number>();
  for (const pair of got.keys()) {
    const flat = pair.slice(pair.indexOf("|") + 1);
    fanout.set(flat, (fanout.get(flat) ?? 0) + 1);
  }
  const lane = inside.filter((d) => (fanout.get(d.listing.flatId) ?? 1) <= BULK_FANOUT).map((d) => d.at - d.listing.publishedAt);
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
    steady_lane_during: { n: lane.length, p50_ms: percentile(lane, 50), p95_ms: percentile(lane, 95) },
    steady_outside: { n: outside.length, p95_ms: percentile(outside.map((d) => d.at - d.listing.publishedAt), 95) },
  };
}

/**
 * (chat, flat) pairs a search matches only at a dropped price: whether the lowered ad reaches a
 * chat that never had its flat is the filter's choice, so such a card is neither lost nor unexpected.
 */
export function matchedAfterDrop(world: BenchWorld, published: readonly Published[], changes: readonly PriceChangeRecord[]): Set<string> {
  const byKey = new Map(published.map((l) => [l.key, l]));
  const byFeed = Map.groupBy(world.searches, (s) => feedKeyOf(s.feed));
  const out = new Set<string>();
  for (const c of changes) {
    const l = byKey.get(c.key);
    if (!l) continue;
    for (const s of byFeed.get(feedKeyOf(l)) ?? []) if (searchMatches(s, { ...l, price: c.new })) out.add(pairKey(s.user.chatId, l.flatId));
  }
  return out;
}

/** `chat <id> <flat>: <how far its first ad got>`, for the failure line of a lost notification (a flat is named by its first ad's key). */
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
