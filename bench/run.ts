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
import { createFakeTelegram, telegramFailures } from "../sim/fake-telegram.ts";
import { ADMIN_CHAT_ID, type D1Rows, analyse, deliveredPairs, indexByUrl, missingPairs } from "./analyse.ts";
import { serve } from "../sim/serve.ts";
import { ROOT, createFakeSites, fireCron, startWorker, waitForWorker, wranglerSync } from "../sim/world.ts";
import { LARGE_CITIES, PRESETS, type Preset, soakPreset } from "./presets.ts";
import { type BenchResult, type Point, markdownTable, scatterSvg, textTable } from "./report.ts";
import {
  type BenchFeed,
  type BenchWorld,
  FIRST_TELEGRAM_ID,
  type Published,
  expectedPairs,
  makeLargeWorld,
  makeSmallWorld,
  prng,
  publishedOlx,
  publishedOtodom,
  seedSql,
} from "./seed.ts";
import { type CityRow, olxCityIndex, samplePrices, targetOf } from "./targets.ts";
import { costMarkdown } from "./cost.ts";
import type { BenchCounts } from "./worker.ts";

/** src/cron/scheduled.ts TICK_WINDOW_MS: how long one cron invocation keeps ticking. */
const CRON_WINDOW_MS = 50_000;
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
    const missing = missingPairs(expected, got).length;
    const lastAt = telegram.messages.at(-1)?.at ?? 0;
    if (missing === 0 && now - Math.max(lastAt, drainFrom) >= preset.quietMs) break;
    if (now > drainDeadline) {
      say(`drain deadline reached with ${missing} expected notifications missing`);
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
  const result = analyse({
    preset,
    seed,
    world,
    published,
    baseline,
    expected,
    telegram,
    rows,
    countsBefore,
    countsAfter,
    cpuMs: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null,
    feedFetches,
    fetchTimes,
    publishFrom,
    drainFrom,
    drainedAt,
    wallMs: Date.now() - runStarted,
    burstListing,
    networkRetries,
  });
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
function readD1(): D1Rows {
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
    listings: (results[0]?.results ?? []) as D1Rows["listings"],
    notifications: (results[1]?.results ?? []) as D1Rows["notifications"],
  };
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
