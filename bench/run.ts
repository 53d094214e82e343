/**
 * `npm run bench -- --small`: GetMeOne in a simulated world on 127.0.0.1,
 * measured end to end.
 *
 *   fake OLX + fake Otodom   publish new listings at a steady rate (real captures, values rewritten)
 *   wrangler dev --local     the real Worker (bench/worker.ts = src/index.ts + D1 call counting),
 *                            local D1/Queues/Durable Objects persisted to a fresh temp dir
 *   fake Telegram Bot API    ~1 msg/s per chat, 30 msg/s in total, 429 + retry_after beyond;
 *                            records every accepted message with its arrival time
 *
 * N users with M saved searches are seeded in D1; the cron is fired back to
 * back (each invocation ticks for its 50 s window) with FEED_INTERVAL_S of a
 * few seconds: a compressed clock. Once both feeds took their baseline the
 * fakes publish for the preset's time, then the run waits (bounded) for the
 * pipeline to drain, stops everything, reads D1 and the fake Telegram's
 * record, and compares what arrived with what the seeded searches should have
 * got (computed here, independently of src/filter).
 *
 * Writes bench/results/latest.{json,md,svg}; the last line of stdout is the
 * JSON. Exit 1 on any lost, duplicated or unexpected notification or any 429
 * (correctness, not timing: nothing here asserts a duration); exit 2 when the
 * world could not be run at all.
 */
import { type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { createServer } from "node:net";
import { availableParallelism, cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createFakeTelegram, type FakeTelegramMessage, telegramFailures } from "../sim/fake-telegram.ts";
import { serve } from "../sim/serve.ts";
import { ROOT, createFakeSites, fireCron, startWorker, waitForWorker, wranglerSync } from "../sim/world.ts";
import { LARGE_CITIES, PRESETS, type Preset, soakPreset } from "./presets.ts";
import {
  type BenchResult,
  type Distribution,
  type Point,
  STAGES,
  type Stage,
  busiestWindow,
  distribution,
  drift,
  percentile,
  markdownTable,
  scatterSvg,
  textTable,
} from "./report.ts";
import {
  type BenchFeed,
  type BenchWorld,
  FIRST_TELEGRAM_ID,
  type Published,
  expectedPairs,
  makeLargeWorld,
  makeSmallWorld,
  pairKey,
  prng,
  publishedOlx,
  publishedOtodom,
  seedSql,
  urlIdOf,
} from "./seed.ts";
import { type CityRow, olxCityIndex, samplePrices, targetOf } from "./targets.ts";
import { costMarkdown, estimateMonthlyCost } from "./cost.ts";
import { d1Totals, diffCounts, usageOf } from "./usage.ts";
import type { BenchCounts } from "./worker.ts";

/** src/cron/scheduled.ts TICK_WINDOW_MS: how long one cron invocation keeps ticking. */
const CRON_WINDOW_MS = 50_000;
const ADMIN_CHAT_ID = 1;
/** wrangler.toml's cron, "* * * * *": once a minute in production, whatever the load. */
const CRON_PER_MONTH = 43_830;
const RESULTS = new URL("./results/", import.meta.url);

const { values: flags } = parseArgs({
  options: {
    small: { type: "boolean" },
    large: { type: "boolean" },
    /** Steady load for this many minutes, looking for drift. */
    soak: { type: "string" },
    seed: { type: "string", default: "1" },
    "keep-state": { type: "boolean" },
    /** Self-check: the fake Telegram answers one send with 429 mid-run, so the run must exit 1. */
    "inject-429": { type: "boolean" },
  },
  strict: true,
});
if ([flags.small, flags.large, flags.soak !== undefined].filter(Boolean).length > 1) throw new Error("give one of --small, --large, --soak MINUTES");
const preset: Preset = flags.soak !== undefined ? soakPreset(Number(flags.soak)) : ((flags.large ? PRESETS.large : PRESETS.small) as Preset);
if (!flags.small && !flags.large && flags.soak === undefined) console.log("(no preset given: running --small)");
const seed = Number(flags.seed);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${flags.seed}`);

const runStarted = Date.now();
const say = (text: string) => console.log(`[${((Date.now() - runStarted) / 1000).toFixed(1).padStart(5)} s] ${text}`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------- the world
const state = mkdtempSync(join(tmpdir(), "getmeone-bench-"));
/** Made once D1 is migrated: the large world's feeds are built from D1's cities. */
let world: BenchWorld = { feeds: [], burst: null, users: [], searches: [] };
const servers: Server[] = [];
let dev: ChildProcess | null = null;
let devLog: number | null = null;
const cronAbort = new AbortController();
/** When each fake site was asked for a page: the feed cycles as the sites see them. */
const fetchTimes: Record<"olx" | "otodom", number[]> = { olx: [], otodom: [] };
let cronLoop: Promise<void> = Promise.resolve();

/** Stops wrangler dev and its workerd (their own process group), waiting at most 10 s. */
async function stopWorker(): Promise<void> {
  const child = dev;
  if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), s);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5_000);
  await Promise.race([exited, sleep(10_000)]);
  clearTimeout(timer);
  signal("SIGKILL"); // anything of the group left behind (workerd)
}

async function teardown(): Promise<void> {
  cronAbort.abort();
  await stopWorker();
  await Promise.race([cronLoop, sleep(2_000)]);
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  if (devLog !== null) {
    closeSync(devLog);
    devLog = null;
  }
}

let interrupted = false;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${sig}: stopping the world`);
    void teardown().finally(() => {
      if (!flags["keep-state"]) rmSync(state, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

/** The whole run's own bound: whatever hangs, the bench ends (the preset's waits add up to far less). */
const HARD_LIMIT_MS = preset.startupTimeoutMs + preset.baselineTimeoutMs + preset.publishMs + preset.drainTimeoutMs + (preset.world === "large" ? 240_000 : 90_000);
const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${HARD_LIMIT_MS / 1000} s; stopping`);
  void teardown().finally(() => process.exit(2));
}, HARD_LIMIT_MS);
watchdog.unref();

const ports = { olx: await freePort(), otodom: await freePort(), telegram: await freePort(), worker: await freePort(), inspector: await freePort() };
const worker = `http://127.0.0.1:${ports.worker}`;

let exitCode = 2;
try {
  exitCode = await run();
} catch (error) {
  console.error("bench failed:", error instanceof Error ? error.message : error);
  const log = join(state, "wrangler.log");
  try {
    const tail = readFileSync(log, "utf8").split("\n").slice(-40).join("\n");
    if (tail.trim()) console.error(`--- last lines of wrangler dev's output ---\n${tail}`);
  } catch {
    // no log yet
  }
} finally {
  await teardown();
  if (flags["keep-state"]) console.error(`state kept in ${state}`);
  else rmSync(state, { recursive: true, force: true });
  clearTimeout(watchdog);
}
process.exit(exitCode);

async function run(): Promise<number> {
  // D1: schema, then the world (built on D1's own cities), then its users and searches.
  wranglerSync(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { quiet: true });
  const cities = readCities();
  world = makeBenchWorld(cities);
  const slugByOlxCity = olxCityIndex(cities);
  say(`preset ${preset.name}: ${world.users.length} users, ${world.searches.length} searches on ${world.feeds.length} feeds` +
    `${world.burst ? ` (+1 burst feed, ${preset.burstUsers} users)` : ""}, ` +
    `${preset.perMinutePerSite}/min per site for ${preset.publishMs / 1000} s, FEED_INTERVAL_S=${preset.feedIntervalS}; state in ${state}`);
  writeFileSync(join(state, "seed.sql"), seedSql(world));
  wranglerSync(["d1", "execute", "DB", "--local", "--persist-to", state, "--file", join(state, "seed.sql")], { quiet: true });
  say("D1 migrated and seeded");

  // The fakes. Nothing is published steadily until both feeds took their baseline.
  const { olx, otodom } = createFakeSites({ initial: preset.initialPerSite, now: Date.now() });
  const telegram = createFakeTelegram({});
  const counted = (site: "olx" | "otodom", handle: (r: Request) => Promise<Response>) => (request: Request) => {
    fetchTimes[site].push(Date.now());
    return handle(request);
  };
  servers.push(
    await serve(counted("olx", olx.handle), ports.olx),
    await serve(counted("otodom", otodom.handle), ports.otodom),
    await serve(telegram.handle, ports.telegram),
  );

  devLog = openSync(join(state, "wrangler.log"), "a");
  dev = startWorker({
    script: "bench/worker.ts",
    port: ports.worker,
    inspectorPort: ports.inspector,
    persistTo: state,
    logLevel: "warn",
    stdio: ["ignore", devLog, devLog],
    detached: true,
    vars: {
      OLX_BASE_URL: `http://127.0.0.1:${ports.olx}`,
      OTODOM_BASE_URL: `http://127.0.0.1:${ports.otodom}`,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${ports.telegram}`,
      TELEGRAM_MODE: "live",
      TELEGRAM_BOT_TOKEN: "100001:bench-fake-token",
      FEED_INTERVAL_S: String(preset.feedIntervalS),
      ADMIN_CHAT_ID: String(ADMIN_CHAT_ID),
    },
  });
  await waitForWorker(worker, { timeoutMs: preset.startupTimeoutMs, child: dev });
  say(`wrangler dev up at ${worker}`);

  // The compressed clock: a new cron invocation as soon as the last one's tick window is over.
  cronLoop = (async () => {
    while (!cronAbort.signal.aborted) {
      const fired = Date.now();
      try {
        await (await fireCron(worker, cronAbort.signal)).text();
      } catch (error) {
        if (!cronAbort.signal.aborted) say(`cron trigger failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      const wait = fired + CRON_WINDOW_MS - Date.now();
      if (wait > 0 && !cronAbort.signal.aborted) {
        await new Promise<void>((r) => {
          const t = setTimeout(r, wait);
          cronAbort.signal.addEventListener("abort", () => (clearTimeout(t), r()), { once: true });
        });
      }
    }
  })();

  // Baseline: the first successful cycle of each feed is stored, never sent.
  const baselineDeadline = Date.now() + preset.baselineTimeoutMs;
  for (;;) {
    let feeds: { source: string; baseline_at: number | null; last_error: string | null }[] = [];
    try {
      feeds = (await (await fetch(`${worker}/__bench/feeds`, { signal: AbortSignal.timeout(5_000) })).json()) as typeof feeds;
    } catch {
      // the Worker is busy starting its first cron invocation: ask again
    }
    if (feeds.length >= world.feeds.length + (world.burst ? 1 : 0) && feeds.every((f) => f.baseline_at !== null)) break;
    if (Date.now() > baselineDeadline) throw new Error(`feeds took no baseline in ${preset.baselineTimeoutMs / 1000} s: ${JSON.stringify(feeds)}`);
    await sleep(250);
  }
  say("both feeds took their baseline; publishing");

  const countsBefore = await benchCounts();
  const cpuBefore = groupCpuMs(dev.pid as number);
  const fetchesBefore = olx.requests + otodom.requests;
  const olxFirst = olx.listings.length;
  const otodomFirst = otodom.listings.length;
  const publishFrom = Date.now();
  const publishUntil = publishFrom + preset.publishMs;
  // Each site's rate is spread evenly over its feeds; the burst feed gets its one listing half-way.
  const publishOn = (feed: BenchFeed, at: number): void => {
    const where = targetOf(feed, cities);
    if (where.site === "olx") olx.publish(1, at, where.target);
    else otodom.publish(1, at, where.target);
  };
  const perSite = Math.round((preset.perMinutePerSite * preset.publishMs) / 60_000);
  const schedule: { at: number; feed: BenchFeed }[] = world.feeds
    .flatMap((feed, i) => {
      const onSite = world.feeds.filter((f) => f.source === feed.source);
      const count = Math.round(perSite / onSite.length);
      return publicationTimes(count, publishFrom, preset.publishMs, prng(seed * 7919 + 1 + i)).map((at) => ({ at, feed }));
    })
    .sort((a, b) => a.at - b.at);
  if (world.burst) {
    const burst = world.burst;
    setTimeout(() => {
      publishOn(burst, Date.now());
      say(`burst: one listing on ${burst.source} ${burst.deal} ${burst.city}, matching ${preset.burstUsers} users`);
    }, preset.publishMs / 2).unref();
  }
  let nextReport = publishFrom + 5_000;
  if (flags["inject-429"]) setTimeout(() => telegram.failNext(1, telegramFailures.tooManyRequests(1)), preset.publishMs / 2).unref();
  for (const item of schedule) {
    await sleep(item.at - Date.now());
    publishOn(item.feed, Date.now());
    if (Date.now() >= nextReport) {
      nextReport += 5_000;
      if (dev.exitCode !== null) throw new Error("wrangler dev exited during the run");
      say(`published ${olx.listings.length - olxFirst + otodom.listings.length - otodomFirst}, telegram accepted ${telegram.messages.length}`);
    }
  }
  await sleep(publishUntil - Date.now());

  const readOlx = (l: (typeof olx.listings)[number]) => publishedOlx(l, slugByOlxCity);
  const published: Published[] = [...olx.listings.slice(olxFirst).map(readOlx), ...otodom.listings.slice(otodomFirst).map(publishedOtodom)];
  const baseline: Published[] = [...olx.listings.slice(0, olxFirst).map(readOlx), ...otodom.listings.slice(0, otodomFirst).map(publishedOtodom)];
  const expected = expectedPairs(world, published);
  say(`publication stopped: ${published.length} new listings, ${expected.size} notifications expected; draining`);

  // Drain: every expected message arrived and nothing more for quietMs, or the deadline.
  const drainFrom = Date.now();
  const drainDeadline = drainFrom + preset.drainTimeoutMs;
  const byUrl = indexByUrl(published, baseline);
  for (;;) {
    const now = Date.now();
    const got = deliveredPairs(telegram.messages, byUrl);
    const complete = [...expected].every((p) => got.has(p));
    const lastAt = telegram.messages.at(-1)?.at ?? 0;
    if (complete && now - Math.max(lastAt, drainFrom) >= preset.quietMs) break;
    if (now > drainDeadline) {
      say(`drain deadline reached with ${[...expected].filter((p) => !got.has(p)).length} expected notifications missing`);
      break;
    }
    await sleep(250);
  }
  const drainedAt = Date.now();
  const countsAfter = await benchCounts();
  const cpuAfter = groupCpuMs(dev.pid as number);
  const feedFetches = olx.requests + otodom.requests - fetchesBefore;
  say("drained; stopping wrangler dev and reading D1");
  cronAbort.abort();
  await stopWorker();

  const rows = readD1();
  // Sends the Notifiers retried after a network error or timeout: Telegram may have taken the first
  // try (the Bot API has no idempotency key), so these are where a duplicate can come from.
  const networkRetries = readFileSync(join(state, "wrangler.log"), "utf8").split('"kind":"transient","code":null').length - 1;
  const burstListing = world.burst ? (published.find((l) => l.source === world.burst?.source && l.deal === world.burst.deal && l.city === world.burst.city) ?? null) : null;
  if (world.burst && !burstListing) throw new Error("the burst listing was never published");
  const result = analyse({ published, baseline, expected, telegram: telegram, rows, countsBefore, countsAfter, cpuMs: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null, feedFetches, publishFrom, drainFrom, drainedAt, burstListing, networkRetries });
  writeResults(result.result, result.dists, result.points, result.samples);
  return result.result.ok ? 0 : 1;
}

/** The city rows of the migrated local D1: where the fakes publish each feed. */
function readCities(): Map<string, CityRow> {
  const out = wranglerSync(
    ["d1", "execute", "DB", "--local", "--persist-to", state, "--json", "--command",
      "SELECT slug, name, olx_city_id, olx_region_id, otodom_path, lat, lon FROM locations WHERE kind = 'city'"],
    { quiet: true },
  );
  const rows = ((JSON.parse(out.slice(out.indexOf("["))) as { results: CityRow[] }[])[0]?.results ?? []);
  return new Map(rows.map((r) => [r.slug, r]));
}

function makeBenchWorld(cities: ReadonlyMap<string, CityRow>): BenchWorld {
  if (preset.world === "small") return makeSmallWorld(preset.users, preset.searchesPerUser, seed);
  const feeds: BenchFeed[] = LARGE_CITIES.flatMap((city) =>
    (["olx", "otodom"] as const).flatMap((source) => (["rent", "sale"] as const).map((deal) => ({ source, deal, property: "flat" as const, city }))),
  );
  const burst: BenchFeed = { source: "olx", deal: "rent", property: "flat", city: "kielce" };
  return makeLargeWorld(
    {
      users: preset.users,
      searchesPerUser: preset.searchesPerUser,
      feeds,
      prices: samplePrices(feeds, cities),
      liveSearchesPerFeed: preset.liveSearchesPerFeed,
      burst,
      burstUsers: preset.burstUsers,
    },
    seed,
  );
}

/**
 * When a site publishes during the window: `count` times drawn uniformly (a
 * Poisson process given its count), sorted. A fixed period would lock in phase
 * with the feed interval and show a few detection delays instead of their spread.
 */
function publicationTimes(count: number, from: number, durationMs: number, random: () => number): number[] {
  return Array.from({ length: count }, () => from + Math.floor(random() * durationMs)).sort((a, b) => a - b);
}

// ------------------------------------------------------------ measurements

async function benchCounts(): Promise<BenchCounts | null> {
  try {
    return (await (await fetch(`${worker}/__bench/counts`)).json()) as BenchCounts;
  } catch {
    return null;
  }
}

interface ListingRow {
  source: string;
  external_id: string;
  published_at: number | null;
  first_seen_at: number;
  enqueued_at: number | null;
  filtered_at: number | null;
  notify: number;
}
interface NotificationRow {
  source: string;
  external_id: string;
  chat_id: number;
  matched_at: number;
  handed_at: number | null;
  sent_at: number | null;
  status: string;
  digest: number;
}

/**
 * CPU time (ms) used so far by the processes of a process group named `name`
 * (wrangler dev's workerd), from /proc; null where /proc can't tell.
 */
function groupCpuMs(pgid: number, name = "workerd"): number | null {
  try {
    let ticks = 0;
    let found = false;
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      } catch {
        continue; // gone meanwhile
      }
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      // Fields after the name: state ppid pgrp ... utime (14th field) stime (15th).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid || !comm.startsWith(name)) continue;
      found = true;
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    // USER_HZ is 100 on Linux for every architecture the bench runs on.
    return found ? ticks * 10 : null;
  } catch {
    return null;
  }
}

/** Local D1 as wrangler reads it, after wrangler dev stopped (one consistent snapshot). */
function readD1(): { listings: ListingRow[]; notifications: NotificationRow[] } {
  const out = wranglerSync(
    [
      "d1", "execute", "DB", "--local", "--persist-to", state, "--json", "--command",
      "SELECT source, external_id, published_at, first_seen_at, enqueued_at, filtered_at, notify FROM listings; " +
        "SELECT l.source, l.external_id, u.chat_id, n.matched_at, n.handed_at, n.sent_at, n.status, n.digest " +
        "FROM notifications n JOIN users u ON u.id = n.user_id JOIN listings l ON l.id = n.listing_id",
    ],
    { quiet: true },
  );
  const results = JSON.parse(out.slice(out.indexOf("["))) as { results: unknown[] }[];
  return {
    listings: (results[0]?.results ?? []) as ListingRow[],
    notifications: (results[1]?.results ?? []) as NotificationRow[],
  };
}

/** `<source>:<url id>` of every listing the fakes published (new and baseline) → that listing. */
function indexByUrl(published: readonly Published[], baseline: readonly Published[]): Map<string, Published & { isBaseline: boolean }> {
  const map = new Map<string, Published & { isBaseline: boolean }>();
  for (const l of baseline) map.set(`${l.source}:${l.urlId}`, { ...l, isBaseline: true });
  for (const l of published) map.set(`${l.source}:${l.urlId}`, { ...l, isBaseline: false });
  return map;
}

/** The listing URLs a message carries: its buttons, and the links of its text (digests). */
function urlsOf(m: FakeTelegramMessage): string[] {
  const urls: string[] = [];
  const markup = m.reply_markup as { inline_keyboard?: { url?: string }[][] } | null;
  for (const row of markup?.inline_keyboard ?? []) for (const b of row) if (b.url) urls.push(b.url);
  for (const match of (m.text ?? m.caption ?? "").matchAll(/href="([^"]+)"/g)) urls.push((match[1] as string).replace(/&amp;/g, "&"));
  return urls;
}

function sourceOfUrl(url: string): "olx" | "otodom" | null {
  try {
    const host = new URL(url).hostname;
    if (host === "olx.pl" || host.endsWith(".olx.pl")) return "olx";
    if (host === "otodom.pl" || host.endsWith(".otodom.pl")) return "otodom";
  } catch {
    // not a URL
  }
  return null;
}

interface Delivery {
  chatId: number;
  listing: Published & { isBaseline: boolean };
  at: number;
  digest: boolean;
}

/** (chat, listing) → every time it was delivered, from the user chats' messages; a message's URLs count once each. */
function deliveredPairs(messages: readonly FakeTelegramMessage[], byUrl: Map<string, Published & { isBaseline: boolean }>): Map<string, Delivery[]> {
  const out = new Map<string, Delivery[]>();
  for (const m of messages) {
    if (m.chat_id === ADMIN_CHAT_ID) continue;
    const keys = new Set<string>();
    for (const url of urlsOf(m)) {
      const source = sourceOfUrl(url);
      const id = urlIdOf(url);
      if (source && id) keys.add(`${source}:${id}`);
    }
    for (const key of keys) {
      const listing = byUrl.get(key);
      if (!listing) continue;
      const pair = pairKey(m.chat_id, listing.key);
      const list = out.get(pair) ?? [];
      list.push({ chatId: m.chat_id, listing, at: m.at, digest: m.method === "sendMessage" && urlsOf(m).length > 1 });
      out.set(pair, list);
    }
  }
  return out;
}

function analyse(input: {
  published: Published[];
  baseline: Published[];
  expected: Set<string>;
  telegram: ReturnType<typeof createFakeTelegram>;
  rows: { listings: ListingRow[]; notifications: NotificationRow[] };
  countsBefore: BenchCounts | null;
  countsAfter: BenchCounts | null;
  /** wrangler dev's workerd CPU time over the same window. */
  cpuMs: number | null;
  feedFetches: number;
  publishFrom: number;
  drainFrom: number;
  drainedAt: number;
  /** The one listing that matches preset.burstUsers users; null: no burst. */
  burstListing: Published | null;
  networkRetries: number;
}) {
  const { published, expected, telegram, rows } = input;
  const byUrl = indexByUrl(published, input.baseline);
  const got = deliveredPairs(telegram.messages, byUrl);
  const listingRow = new Map(rows.listings.map((r) => [`${r.source}:${r.external_id}`, r]));
  const notificationRow = new Map(rows.notifications.map((r) => [pairKey(r.chat_id, `${r.source}:${r.external_id}`), r]));

  let delivered = 0;
  let duplicates = 0;
  let unexpected = 0;
  const e2e: number[] = [];
  const fromPublished: number[] = [];
  const stages: Record<Stage, number[]> = { detect: [], enqueue: [], filter: [], handoff: [], send: [] };
  const points: Point[] = [];
  const samples: string[] = ["chat_id,source,external_id,published_at,first_seen_at,enqueued_at,matched_at,handed_at,accepted_at,copies"];
  for (const [pair, deliveries] of got) {
    duplicates += deliveries.length - 1;
    if (!expected.has(pair)) {
      unexpected++;
      continue;
    }
    delivered++;
    const first = deliveries[0] as Delivery;
    const l = first.listing;
    const row = listingRow.get(l.key);
    const n = notificationRow.get(pair);
    fromPublished.push(first.at - l.publishedAt);
    points.push({ t: first.at - input.publishFrom, ms: first.at - l.publishedAt, series: l.source });
    samples.push(
      [first.chatId, l.source, l.externalId, l.publishedAt, row?.first_seen_at, row?.enqueued_at, n?.matched_at, n?.handed_at, first.at, deliveries.length]
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
  // The burst: how fast its 2 000 messages went out, against the 30 msg/s ceiling.
  let burst: BenchResult["burst"] = null;
  if (input.burstListing) {
    const key = input.burstListing.key;
    const at = [...got].filter(([pair]) => pair.endsWith(`|${key}`)).map(([, d]) => (d[0] as Delivery).at).sort((a, b) => a - b);
    const from = input.burstListing.publishedAt;
    const spanS = at.length > 1 ? ((at.at(-1) as number) - (at[0] as number)) / 1000 : null;
    burst = {
      users: preset.burstUsers,
      delivered: at.length,
      first_ms: at.length ? (at[0] as number) - from : null,
      p50_ms: percentile(at.map((t) => t - from), 50),
      last_ms: at.length ? (at.at(-1) as number) - from : null,
      msgs_per_s: spanS ? Math.round(((at.length - 1) / spanS) * 10) / 10 : null,
    };
  }
  const lostPairs = [...expected].filter((p) => !got.has(p));
  const lost = lostPairs.length;
  // Where the first few lost ones stopped: what D1 knows of them.
  const lostDetail = lostPairs.slice(0, 10).map((pair) => {
    const [chat = "", key = ""] = pair.split("|");
    const row = listingRow.get(key);
    const n = notificationRow.get(pair);
    const where = !row ? "never stored" : row.notify === 0 ? "stored as baseline/duplicate" : !n ? "stored, no match recorded" : `notification ${n.status}`;
    return `chat ${chat} ${key}: ${where}`;
  });

  const userMessages = telegram.messages.filter((m) => m.chat_id !== ADMIN_CHAT_ID);
  const calls = telegram.calls.filter((c) => c.chat_id !== ADMIN_CHAT_ID || c.ok);
  const refused = telegram.calls.filter((c) => c.error_code === 429);
  const http429 = refused.length;
  // Which limit each 429 hit: the chat's (a message to it accepted less than a second before) or the bot's 30/s.
  const acceptedByChat = Map.groupBy(telegram.messages, (m) => m.chat_id);
  const http429PerChat = refused.filter((c) => (acceptedByChat.get(c.chat_id ?? 0) ?? []).some((m) => m.at <= c.at && m.at > c.at - 1000)).length;
  const otherErrors = calls.filter((c) => !c.ok && c.error_code !== 429).length;
  const adminAlerts = telegram.messages.filter((m) => m.chat_id === ADMIN_CHAT_ID).length;
  const digests = userMessages.filter((m) => urlsOf(m).length > 1).length;
  const times = userMessages.map((m) => m.at);
  const busiest5 = busiestWindow(times, 5_000);
  const busiest1 = busiestWindow(times, 1_000);

  let d1PerListing: number | null = null;
  let d1RoundTripsPerListing: number | null = null;
  let d1ByStage: Record<string, number> | null = null;
  let cost: BenchResult["cost"] = null;
  let perStage: BenchResult["time_per_stage"] = null;
  const { countsBefore: before, countsAfter: after } = input;
  // Counted only when the tally saw the Notifiers too (same isolate as the handlers), else it would undercount.
  if (before && after && published.length > 0 && (userMessages.length === 0 || after.d1.notifier.statements > 0)) {
    const delta = diffCounts(before, after);
    const d1 = d1Totals(delta);
    d1ByStage = Object.fromEntries(Object.entries(delta.d1).map(([stage, t]) => [stage, t.statements]));
    d1PerListing = Math.round((d1.statements / published.length) * 10) / 10;
    d1RoundTripsPerListing = Math.round((d1.roundTrips / published.length) * 10) / 10;
    const per = (total: number, n: number) => (n > 0 ? Math.round((total / n) * 10) / 10 : null);
    perStage = {
      workerd_cpu_ms: input.cpuMs,
      workerd_cpu_ms_per_listing: input.cpuMs === null ? null : per(input.cpuMs, published.length),
      workerd_cpu_ms_per_message: input.cpuMs === null ? null : per(input.cpuMs, userMessages.length),
      filter_wall_ms_per_batch: per(delta.invocations.queueMs, delta.invocations.queueBatches),
      filter_batches: delta.invocations.queueBatches,
      notifier_wall_ms_per_call: per(delta.durable.notifierMs, delta.durable.notifierCalls + delta.durable.notifierAlarms),
      notifier_calls: delta.durable.notifierCalls,
      notifier_alarms: delta.durable.notifierAlarms,
      budget_calls: delta.durable.budgetCalls,
      notifiers_uncounted: delta.durable.storageUncounted,
      d1_rows_read: d1.rowsRead,
      d1_rows_written: d1.rowsWritten,
      d1_unmetered_statements: d1.unmetered,
      d1_rows_by_stage: Object.fromEntries(Object.entries(delta.d1).map(([stage, t]) => [stage, { read: t.rowsRead, written: t.rowsWritten }])),
    };
    if (input.cpuMs !== null) {
      // The run's window stands for this much production time: its clock runs 60 / FEED_INTERVAL_S times fast.
      const productionS = ((input.drainedAt - input.publishFrom) / 1000) * (60 / preset.feedIntervalS);
      const estimate = estimateMonthlyCost(usageOf(delta, input.cpuMs), productionS, CRON_PER_MONTH);
      cost = { ...estimate, production_hours: Math.round((productionS / 3600) * 100) / 100 };
    }
  }

  const byStatus: Record<string, number> = {};
  for (const n of rows.notifications) byStatus[n.status] = (byStatus[n.status] ?? 0) + 1;

  const dists = {
    e2e: distribution(e2e),
    published: distribution(fromPublished),
    stages: Object.fromEntries(STAGES.map(([s]) => [s, distribution(stages[s])])) as Record<Stage, Distribution>,
  };
  const failures: string[] = [];
  if (lost) failures.push(`${lost} lost (${lostDetail.join("; ")}${lost > lostDetail.length ? "; …" : ""})`);
  if (duplicates) failures.push(`${duplicates} duplicated`);
  if (unexpected) failures.push(`${unexpected} unexpected`);
  if (http429) failures.push(`${http429} HTTP 429`);
  if (expected.size === 0) failures.push("nothing was expected: the world matched no search");

  const result: BenchResult = {
    preset: preset.name,
    seed,
    users: world.users.length,
    searches: world.searches.length,
    feeds: world.feeds.length + (world.burst ? 1 : 0),
    listings: published.length,
    expected: expected.size,
    delivered,
    lost,
    duplicates,
    unexpected,
    http_429: http429,
    http_429_per_chat: http429PerChat,
    telegram_errors: otherErrors,
    telegram_network_retries: input.networkRetries,
    admin_alerts: adminAlerts,
    messages: userMessages.length,
    digest_messages: digests,
    e2e_p50_ms: dists.e2e.p50,
    e2e_p95_ms: dists.e2e.p95,
    e2e_p99_ms: dists.e2e.p99,
    published_e2e_p50_ms: dists.published.p50,
    published_e2e_p95_ms: dists.published.p95,
    published_e2e_p99_ms: dists.published.p99,
    stage_p95_ms: Object.fromEntries(STAGES.map(([s]) => [s, dists.stages[s].p95])) as Record<Stage, number | null>,
    stage_p50_ms: Object.fromEntries(STAGES.map(([s]) => [s, dists.stages[s].p50])) as Record<Stage, number | null>,
    backlog_msgs_per_s: Math.round((busiest5.count / 5) * 10) / 10,
    peak_msgs_in_1s: busiest1.count,
    d1_queries_per_listing: d1PerListing,
    d1_round_trips_per_listing: d1RoundTripsPerListing,
    d1_statements_by_stage: d1ByStage,
    time_per_stage: perStage,
    cost_usd_per_month: cost?.total_usd ?? null,
    cost,
    d1_notifications_by_status: byStatus,
    feed_fetches: input.feedFetches,
    feed_fetch_gap_p50_ms: Object.fromEntries(
      (["olx", "otodom"] as const).map((site) => {
        const t = fetchTimes[site].filter((x) => x >= input.publishFrom && x <= input.drainedAt);
        return [site, distribution(t.slice(1).map((x, i) => x - (t[i] as number))).p50];
      }),
    ),
    publish_s: Math.round((input.drainFrom - input.publishFrom) / 100) / 10,
    drain_s: Math.round((input.drainedAt - input.drainFrom) / 100) / 10,
    wall_s: Math.round((Date.now() - runStarted) / 100) / 10,
    feed_interval_s: preset.feedIntervalS,
    drift: drift(points, input.drainFrom - input.publishFrom),
    burst,
    ok: failures.length === 0,
    failures,
  };
  return { result, dists, points, samples };
}

function machine() {
  let wrangler = "?";
  try {
    wrangler = (JSON.parse(readFileSync(join(ROOT, "node_modules/wrangler/package.json"), "utf8")) as { version: string }).version;
  } catch {
    // not installed where expected
  }
  return {
    cpus: availableParallelism(),
    cpu_model: cpus()[0]?.model ?? "?",
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    wrangler,
    platform: `${process.platform} ${process.arch}`,
  };
}

function writeResults(result: BenchResult, dists: Parameters<typeof textTable>[1], points: Point[], samples: string[]): void {
  mkdirSync(RESULTS, { recursive: true });
  const at = new Date().toISOString();
  const m = machine();
  const full = { ...result, at, machine: m, command: `npm run bench -- --${preset.name}${seed !== 1 ? ` --seed ${seed}` : ""}${flags["inject-429"] ? " --inject-429" : ""}` };
  const header =
    `## GetMeOne benchmark, --${preset.name} (${at})\n\n` +
    `Machine: ${m.cpus} CPUs (${m.cpu_model}), ${m.memory_gib} GiB, Node ${m.node}, wrangler ${m.wrangler}, ${m.platform}.`;
  const costNote =
    `Usage measured over the run's window, which stands for ${result.cost?.production_hours ?? "?"} h of production time (the clock runs 60 / FEED_INTERVAL_S = ${60 / preset.feedIntervalS}× fast), ` +
    `scaled to a month. CPU is wrangler dev's whole workerd (with the local D1, Queues and Durable Objects simulation): an upper bound. ` +
    `Cron requests: production's once a minute. Prices: Cloudflare's published Workers Paid prices, bench/cost.ts.`;
  const costSection = result.cost ? `\n### Estimated monthly cost on Cloudflare at this load\n\n${costMarkdown(result.cost, costNote)}` : "";
  writeFileSync(new URL("latest.md", RESULTS), markdownTable(result, dists, header) + costSection);
  writeFileSync(
    new URL("latest.svg", RESULTS),
    scatterSvg(points, `GetMeOne --${preset.name}: published → Telegram accepted, per notification (${at.slice(0, 19)}Z)`, [
      { label: "p50", ms: result.published_e2e_p50_ms },
      { label: "p95", ms: result.published_e2e_p95_ms },
    ]),
  );
  writeFileSync(new URL("latest-samples.csv", RESULTS), samples.join("\n") + "\n");
  writeFileSync(new URL("latest.json", RESULTS), JSON.stringify(full, null, 2) + "\n");
  console.log("\n" + textTable(result, dists) + "\n");
  if (result.cost) console.log(`estimated monthly cost on Cloudflare at this load:\n\n${costMarkdown(result.cost, costNote)}`);
  console.log(`wrote bench/results/latest.json, latest.md, latest.svg, latest-samples.csv (one row per delivered notification; chat ids from ${FIRST_TELEGRAM_ID})`);
  console.log(JSON.stringify(full));
}
