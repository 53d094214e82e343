/**
 * One run of the simulated world, shared by `npm run bench` (bench/run.ts) and
 * `npm run chaos` (bench/chaos.ts): a fresh local D1 seeded with the world's
 * users and searches, the fakes on 127.0.0.1, the real Worker under
 * `wrangler dev --local` (bench/worker.ts), the cron fired on the preset's
 * clock, publication, the drain, and D1 read back once wrangler stopped. What
 * the run collected goes to the caller's judge (bench/analyse.ts's analyse for
 * the bench, bench/chaos-verdict.ts for chaos); the hooks let chaos wrap the
 * fakes' handlers with faults and act during publication.
 */
import { type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NationalCity } from "../sim/cities.ts";
import type { FakeOlx } from "../sim/fake-olx.ts";
import type { FakeOtodom } from "../sim/fake-otodom.ts";
import { type FakeTelegram, createFakeTelegram } from "../sim/fake-telegram.ts";
import { type SiteTarget, createFlatEvents } from "../sim/flat-events.ts";
import { NATIONAL_RATES } from "../sim/national.ts";
import { prng } from "../sim/random.ts";
import { type Handler, serve } from "../sim/serve.ts";
import { ROOT, createFakeSites, createNationalWorld, fireCron, loadNationalCities, startWorker, waitForWorker, wranglerSync } from "../sim/world.ts";
import { ADMIN_CHAT_ID, type AnalysisInput, type D1Rows, deliveredPairs, indexByUrl, missingPairs } from "./analyse.ts";
import { LARGE_CITIES, type Preset } from "./presets.ts";
import {
  type BenchFeed,
  type BenchWorld,
  type Published,
  cityLookup,
  expectedPairs,
  feedKeyOf,
  makeLargeWorld,
  makeNationalWorld,
  makeSmallWorld,
  nationalFeedsOf,
  publishedOlx,
  publishedOtodom,
  seedSql,
} from "./seed.ts";
import { type CityRow, samplePrices, searchCities, targetOf } from "./targets.ts";
import type { BenchCounts } from "./worker.ts";

/** What a run is asked for. */
export interface RunOptions {
  preset: Preset;
  seed: number;
  /** Leave the temp dir (local D1, wrangler.log) behind and say where. */
  keepState: boolean;
  /** --detect: fake OLX shows other promoted ads every this many ms (0: never). */
  promotedRotateMs: number;
}

/** What the caller may add to a run: faults around the fakes, actions during publication. */
export interface RunHooks {
  /** Wraps a fake's handler before it is served (fault injection, sim/faults.ts). */
  wrap?: Partial<Record<Site | "telegram", (handle: Handler) => Handler>>;
  /** Started when publication starts; awaited before the drain (a fault's timeline). */
  duringPublish?: (context: { sites: Sites; telegram: FakeTelegram; publishFrom: number; run: Run }) => Promise<void> | void;
  /** The expected pairs the drain waits for (default all): a chat that blocked the bot will not get its own. */
  awaited?: (expected: ReadonlySet<string>) => ReadonlySet<string>;
}

/** What a run collected: the analysis' input, and the raw world and record behind it. */
export interface Collected {
  input: AnalysisInput;
  world: BenchWorld;
  telegram: FakeTelegram;
  /** The run's temp dir (gone after main() unless keepState). */
  state: string;
}

export type Site = "olx" | "otodom";
/** The run's fake sites; the national ones also publish on their own (`publish`). */
export interface Sites {
  olx: FakeOlx;
  otodom: FakeOtodom;
  publish?: (from: number, until: number) => void;
}
interface Ports {
  olx: number;
  otodom: number;
  telegram: number;
  worker: number;
  inspector: number;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

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

/** The whole run's own bound: whatever hangs, the bench ends (the preset's waits add up to far less). */
function hardLimitMs(preset: Preset): number {
  return preset.startupTimeoutMs + preset.baselineTimeoutMs + preset.publishMs + preset.drainTimeoutMs + (preset.world === "small" ? 90_000 : 240_000);
}

/**
 * One benchmark run: its temp dir, the fake sites' and Telegram's servers,
 * wrangler dev, the cron loop, and their teardown. Everything the run starts
 * is held here, so a signal, the watchdog or the run's own end can stop all of
 * it, and nothing of a run lives at module level.
 */
export class Run {
  private readonly startedAt = Date.now();
  /** wrangler's --persist-to (local D1, Queues, Durable Objects), seed.sql and wrangler.log. */
  private readonly state = mkdtempSync(join(tmpdir(), "getmeone-bench-"));
  private readonly servers: Server[] = [];
  private dev: ChildProcess | null = null;
  private devLog: number | null = null;
  private readonly cronAbort = new AbortController();
  private cronLoop: Promise<void> = Promise.resolve();
  /** When each fake site was asked for a page: the feed cycles as the sites see them. */
  private readonly fetchTimes: Record<Site, number[]> = { olx: [], otodom: [] };
  private interrupted = false;
  private readonly options: RunOptions;
  private readonly hooks: RunHooks;
  /** The towns the national fakes publish in (sim/cities.ts); none for the compressed worlds. */
  private readonly towns: NationalCity[];
  private ports: Ports | null = null;

  constructor(options: RunOptions, hooks: RunHooks = {}) {
    this.options = options;
    this.hooks = hooks;
    this.towns = options.preset.world === "national" ? loadNationalCities() : [];
  }

  /**
   * Runs the world, hands what it collected to `judge`, and stops everything it
   * started; resolves to judge's exit code (0 ok, 1 a failure found), or 2 when
   * the world could not be run.
   */
  async main(judge: (collected: Collected) => number): Promise<number> {
    const onSignal = (sig: NodeJS.Signals) => this.interrupt(sig);
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, onSignal);
    const limitMs = hardLimitMs(this.options.preset);
    const watchdog = setTimeout(() => {
      console.error(`bench: still running after ${limitMs / 1000} s; stopping`);
      void this.teardown().finally(() => process.exit(2));
    }, limitMs);
    watchdog.unref();

    // The fakes' ports are set once they listen (startFakes).
    const ports: Ports = { olx: 0, otodom: 0, telegram: 0, worker: await freePort(), inspector: await freePort() };
    this.ports = ports;
    let exitCode = 2;
    try {
      exitCode = judge(await this.execute(ports));
    } catch (error) {
      console.error("bench failed:", error instanceof Error ? error.message : error);
      this.printLogTail();
    } finally {
      await this.teardown();
      if (this.options.keepState) console.error(`state kept in ${this.state}`);
      else rmSync(this.state, { recursive: true, force: true });
      clearTimeout(watchdog);
      for (const sig of ["SIGINT", "SIGTERM"] as const) process.off(sig, onSignal);
    }
    return exitCode;
  }

  /** Stops the cron loop, wrangler dev and the servers, and closes the log; safe to call more than once. */
  async teardown(): Promise<void> {
    this.cronAbort.abort();
    await this.stopWorker();
    await Promise.race([this.cronLoop, sleep(2_000)]);
    for (const server of this.servers) {
      server.closeAllConnections();
      server.close();
    }
    if (this.devLog !== null) {
      closeSync(this.devLog);
      this.devLog = null;
    }
  }

  /** Ctrl-C or a kill: stop the world, once, and exit 130. */
  private interrupt(sig: NodeJS.Signals): void {
    if (this.interrupted) return;
    this.interrupted = true;
    console.error(`\n${sig}: stopping the world`);
    void this.teardown().finally(() => {
      if (!this.options.keepState) rmSync(this.state, { recursive: true, force: true });
      process.exit(130);
    });
  }

  say(text: string): void {
    console.log(`[${((Date.now() - this.startedAt) / 1000).toFixed(1).padStart(5)} s] ${text}`);
  }

  private printLogTail(): void {
    try {
      const tail = readFileSync(join(this.state, "wrangler.log"), "utf8").split("\n").slice(-40).join("\n");
      if (tail.trim()) console.error(`--- last lines of wrangler dev's output ---\n${tail}`);
    } catch {
      // no log yet
    }
  }

  /** The run itself, from an empty D1 to what it collected. */
  private async execute(ports: Ports): Promise<Collected> {
    const { preset, seed } = this.options;
    const worker = `http://127.0.0.1:${ports.worker}`;
    const { world, cities } = this.seedD1();
    const { sites, telegram } = await this.startFakes(ports);
    const { olx, otodom } = sites;
    const dev = await this.startDev(ports, worker);
    this.startCronLoop(worker);
    // The Worker polls national feeds: one per site, deal and property the searches want.
    const feeds = nationalFeedsOf(world);
    await waitForBaselines(sites, feeds, preset.baselineTimeoutMs, dev);
    this.say(`the ${feeds.length} national feeds took their baseline (${feeds.join(", ")}); publishing`);

    const countsBefore = await benchCounts(worker);
    const cpuBefore = groupCpuMs(dev.pid as number);
    const fetchesBefore = olx.requests + otodom.requests;
    const olxFirst = olx.listings.length;
    const otodomFirst = otodom.listings.length;
    const publishFrom = Date.now();
    await this.publish({ sites, telegram, dev, world, cities, publishFrom, olxFirst, otodomFirst });

    // Where each listing is: the D1 city of the town the fake published it in.
    const cityOf = cityLookup(cities.values(), this.towns);
    const readOlx = (l: (typeof olx.listings)[number]) => publishedOlx(l, cityOf);
    const readOtodom = (l: (typeof otodom.listings)[number]) => publishedOtodom(l, cityOf);
    const published: Published[] = [...olx.listings.slice(olxFirst).map(readOlx), ...otodom.listings.slice(otodomFirst).map(readOtodom)];
    const baseline: Published[] = [...olx.listings.slice(0, olxFirst).map(readOlx), ...otodom.listings.slice(0, otodomFirst).map(readOtodom)];
    const expected = expectedPairs(world, published);
    const keyOf = (site: Site, id: number) => `${site}:${id}`;
    const priceChanges = [
      ...olx.priceChanges.map((c) => ({ ...c, key: keyOf("olx", c.id) })),
      ...otodom.priceChanges.map((c) => ({ ...c, key: keyOf("otodom", c.id) })),
    ].sort((a, b) => a.at - b.at);
    this.say(`publication stopped: ${published.length} new listings, ${expected.size} notifications expected; draining`);

    const drainFrom = Date.now();
    await this.drain(telegram, published, baseline, this.hooks.awaited?.(expected) ?? expected, drainFrom);
    const drainedAt = Date.now();
    const countsAfter = await benchCounts(worker);
    const cpuAfter = groupCpuMs(dev.pid as number);
    const feedFetches = olx.requests + otodom.requests - fetchesBefore;
    this.cronAbort.abort();
    await Promise.race([this.cronLoop, sleep(2_000)]);
    // Once more, as the minute's cron would: the reconciler copies the pollers' figures to feeds.stats.
    await fireCron(worker, AbortSignal.timeout(30_000)).then((r) => r.text(), () => "");
    this.say("drained; stopping wrangler dev and reading D1");
    await this.stopWorker();

    const rows = readD1(this.state);
    // Sends the Notifiers retried after a network error or timeout: Telegram may have taken the first
    // try (the Bot API has no idempotency key), so these are where a duplicate can come from.
    const networkRetries = readFileSync(join(this.state, "wrangler.log"), "utf8").split('"kind":"transient","code":null').length - 1;
    const burstListing = world.burst ? (published.find((l) => l.source === world.burst?.source && l.deal === world.burst.deal && l.city === world.burst.city) ?? null) : null;
    if (world.burst && !burstListing) throw new Error("the burst listing was never published");
    const input: AnalysisInput = {
      preset,
      seed,
      world,
      published,
      baseline,
      expected,
      priceChanges: priceChanges.map(({ at, key, old, new: price }) => ({ at, key, old, new: price })),
      telegram,
      rows,
      countsBefore,
      countsAfter,
      cpuMs: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null,
      feedFetches,
      fetchTimes: this.fetchTimes,
      siteFeeds: { olx: olx.feeds, otodom: otodom.feeds },
      budgets: readBudgets(),
      publishFrom,
      drainFrom,
      drainedAt,
      wallMs: Date.now() - this.startedAt,
      burstListing,
      networkRetries,
    };
    return { input, world, telegram, state: this.state };
  }

  /** D1: schema, then the world (built on D1's own cities), then its users and searches. */
  private seedD1(): { world: BenchWorld; cities: Map<string, CityRow> } {
    const { preset } = this.options;
    const state = this.state;
    wranglerSync(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { quiet: true });
    const cities = readCities(state);
    const world = makeBenchWorld(preset, this.options.seed, cities, this.towns);
    const national = preset.world === "national";
    const load = national
      ? `${NATIONAL_RATES.olx.perDay} OLX and ${NATIONAL_RATES.otodom.perDay} Otodom flats a day across Poland for ${preset.publishMs / 60_000} min, ` +
        `users in ${new Set(world.searches.map((s) => s.feed.city)).size} cities, production's clock`
      : `${preset.perMinutePerSite}/min per site for ${preset.publishMs / 1000} s, FEED_INTERVAL_S=${preset.feedIntervalS}`;
    const feeds = national ? `${nationalFeedsOf(world).length} national feeds` : `${world.feeds.length} feeds${world.burst ? ` (+1 burst feed, ${preset.burstUsers} users)` : ""}`;
    this.say(`preset ${preset.name}: ${world.users.length} users, ${world.searches.length} searches on ${feeds}, ${load}; state in ${state}`);
    const known = national ? searchCities(this.towns, cities, preset.searchCities).length : preset.searchCities;
    if (known < preset.searchCities) this.say(`note: D1 knows only ${known} of the towns the fakes publish in; users search in those`);
    writeFileSync(join(state, "seed.sql"), seedSql(world));
    wranglerSync(["d1", "execute", "DB", "--local", "--persist-to", state, "--file", join(state, "seed.sql")], { quiet: true });
    this.say("D1 migrated and seeded");
    return { world, cities };
  }

  /** The fakes, served on their ports. Nothing is published steadily until the feeds took their baseline. */
  private async startFakes(ports: Ports): Promise<{ sites: Sites; telegram: FakeTelegram }> {
    const { preset, seed, promotedRotateMs } = this.options;
    const sites: Sites =
      preset.world === "national"
        ? createNationalWorld({ cities: this.towns, now: Date.now(), historyHours: preset.historyHours, seed, promotedRotateMs })
        : createFakeSites({ initial: preset.initialPerSite, now: Date.now() });
    const telegram = createFakeTelegram({});
    const wrap = this.hooks.wrap ?? {};
    const counted = (site: Site, handle: Handler) => (request: Request) => {
      this.fetchTimes[site].push(Date.now());
      return handle(request);
    };
    // Bound on port 0 and read back: a port picked free earlier may be taken by now (runs back to back).
    const listen = async (handle: Handler) => {
      const server = await serve(handle, 0);
      this.servers.push(server);
      return (server.address() as AddressInfo).port;
    };
    ports.olx = await listen(counted("olx", wrap.olx?.(sites.olx.handle) ?? sites.olx.handle));
    ports.otodom = await listen(counted("otodom", wrap.otodom?.(sites.otodom.handle) ?? sites.otodom.handle));
    ports.telegram = await listen(wrap.telegram?.(telegram.handle) ?? telegram.handle);
    return { sites, telegram };
  }

  /** wrangler dev on bench/worker.ts, pointed at the fakes, in its own process group; resolves once it answers. */
  private async startDev(ports: Ports, worker: string): Promise<ChildProcess> {
    this.devLog = openSync(join(this.state, "wrangler.log"), "a");
    const dev = startWorker({
      script: "bench/worker.ts",
      port: ports.worker,
      inspectorPort: ports.inspector,
      persistTo: this.state,
      logLevel: "warn",
      stdio: ["ignore", this.devLog, this.devLog],
      detached: true,
      vars: {
        OLX_BASE_URL: `http://127.0.0.1:${ports.olx}`,
        OTODOM_BASE_URL: `http://127.0.0.1:${ports.otodom}`,
        TELEGRAM_API_ROOT: `http://127.0.0.1:${ports.telegram}`,
        TELEGRAM_MODE: "live",
        TELEGRAM_BOT_TOKEN: "100001:bench-fake-token",
        FEED_INTERVAL_S: String(this.options.preset.feedIntervalS),
        ADMIN_CHAT_ID: String(ADMIN_CHAT_ID),
      },
    });
    this.dev = dev;
    await waitForWorker(worker, { timeoutMs: this.options.preset.startupTimeoutMs, child: dev });
    this.say(`wrangler dev up at ${worker}`);
    return dev;
  }

  /** The cron, every preset.cronEveryMs (as Cloudflare's once a minute, or a little faster on the compressed clock), until aborted. */
  private startCronLoop(worker: string): void {
    const signal = this.cronAbort.signal;
    this.cronLoop = (async () => {
      while (!signal.aborted) {
        const fired = Date.now();
        try {
          await (await fireCron(worker, signal)).text();
        } catch (error) {
          if (!signal.aborted) this.say(`cron trigger failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        const wait = fired + this.options.preset.cronEveryMs - Date.now();
        if (wait > 0 && !signal.aborted) {
          await new Promise<void>((r) => {
            const t = setTimeout(r, wait);
            signal.addEventListener("abort", () => (clearTimeout(t), r()), { once: true });
          });
        }
      }
    })();
  }

  /**
   * The steady load: each site's rate spread evenly over its feeds at random
   * times, the burst feed's one listing half-way, a progress line every 5 s;
   * resolves when the preset's publication time is over.
   */
  private async publish(p: {
    sites: Sites;
    telegram: FakeTelegram;
    dev: ChildProcess;
    world: BenchWorld;
    cities: ReadonlyMap<string, CityRow>;
    publishFrom: number;
    olxFirst: number;
    otodomFirst: number;
  }): Promise<void> {
    const { preset, seed } = this.options;
    const { sites: { olx, otodom }, telegram, world, publishFrom } = p;
    const publishUntil = publishFrom + preset.publishMs;
    if (p.sites.publish) return this.publishNationally(p.sites, p.telegram, p.dev, publishFrom, publishUntil, p.olxFirst + p.otodomFirst);
    // One target per feed, and each feed's counterpart: the same city and deal on the other site, where a cross-post goes.
    const targets = new Map(world.feeds.map((feed) => [feedKeyOf(feed), targetOf(feed, p.cities) as SiteTarget]));
    const counterparts = new Map<SiteTarget, SiteTarget>();
    for (const feed of world.feeds) {
      const other = targets.get(feedKeyOf({ ...feed, source: feed.source === "olx" ? "otodom" : "olx" }));
      if (other) counterparts.set(targets.get(feedKeyOf(feed)) as SiteTarget, other);
    }
    const events = createFlatEvents({ olx, otodom, shares: preset.flatEvents, random: prng(seed * 7919 + 99), counterpart: (where) => counterparts.get(where) ?? null });
    const publishOn = (feed: BenchFeed, at: number): void => {
      const where = targets.get(feedKeyOf(feed));
      if (where) events.publish(where, at);
      else throw new Error(`no target for feed ${feedKeyOf(feed)}`);
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
        // A new flat, whatever the shares say: the burst measures one listing matching many users.
        const where = targetOf(burst, p.cities);
        if (where.site === "olx") olx.publish(1, Date.now(), where.target);
        else otodom.publish(1, Date.now(), where.target);
        this.say(`burst: one listing on ${burst.source} ${burst.deal} ${burst.city}, matching ${preset.burstUsers} users`);
      }, preset.publishMs / 2).unref();
    }
    let nextReport = publishFrom + 5_000;
    const during = Promise.resolve(this.hooks.duringPublish?.({ sites: p.sites, telegram, publishFrom, run: this }));
    during.catch(() => {}); // awaited below; a fault that fails ends the run there

    for (const item of schedule) {
      await sleep(item.at - Date.now());
      publishOn(item.feed, Date.now());
      if (Date.now() >= nextReport) {
        nextReport += 5_000;
        // this.dev, not p.dev: a chaos scenario may have restarted it (null while it restarts).
        if (this.dev && this.dev.exitCode !== null) throw new Error("wrangler dev exited during the run");
        this.say(`published ${olx.listings.length - p.olxFirst + otodom.listings.length - p.otodomFirst}, telegram accepted ${telegram.messages.length}`);
      }
    }
    await sleep(publishUntil - Date.now());
    await during;
    const c = events.counts;
    this.say(`publication mixed ${c.new} new flats, ${c.repost} reposts, ${c.crossPost} cross-posts, ${c.bump} bumps, ${c.drop} price drops and ${c.smallDrop} small ones`);
  }

  /**
   * The national load: the sites publish on their own, at random times at the
   * national rates (each listing appears as its time comes, to whoever asks);
   * a progress line every 30 s; resolves when the preset's time is over, with
   * every listing due by then published.
   */
  private async publishNationally(sites: Sites, telegram: FakeTelegram, dev: ChildProcess, from: number, until: number, stock: number): Promise<void> {
    sites.publish?.(from, until);
    for (let next = from + 30_000; Date.now() < until; next += 30_000) {
      await sleep(Math.min(next, until) - Date.now());
      if (dev.exitCode !== null) throw new Error("wrangler dev exited during the run");
      // Whatever is due shows on the sites' next answer; advancing here only keeps the progress line true.
      sites.olx.advance(Date.now());
      sites.otodom.advance(Date.now());
      const polls = (f: Record<string, { polls: number }>) => Object.values(f).reduce((n, x) => n + x.polls, 0);
      this.say(
        `published ${sites.olx.listings.length + sites.otodom.listings.length - stock}, ` +
          `polls OLX ${polls(sites.olx.feeds)} Otodom ${polls(sites.otodom.feeds)}, telegram accepted ${telegram.messages.length}`,
      );
    }
    sites.olx.advance(until);
    sites.otodom.advance(until);
  }

  /** Drain: every expected message arrived and nothing more for quietMs, or the deadline. */
  private async drain(telegram: FakeTelegram, published: readonly Published[], baseline: readonly Published[], expected: ReadonlySet<string>, drainFrom: number): Promise<void> {
    const { preset } = this.options;
    const drainDeadline = drainFrom + preset.drainTimeoutMs;
    const byUrl = indexByUrl(published, baseline);
    for (;;) {
      const now = Date.now();
      const missing = missingPairs(expected, deliveredPairs(telegram.messages, byUrl)).length;
      const lastAt = telegram.messages.at(-1)?.at ?? 0;
      if (missing === 0 && now - Math.max(lastAt, drainFrom) >= preset.quietMs) break;
      if (now > drainDeadline) {
        this.say(`drain deadline reached with ${missing} expected notifications missing`);
        break;
      }
      await sleep(250);
    }
  }

  /** Where the Worker answers (empty before the run started). */
  get workerUrl(): string {
    return this.ports ? `http://127.0.0.1:${this.ports.worker}` : "";
  }

  /**
   * Kills wrangler dev (SIGKILL: no graceful end for in-flight work) and starts it again on the same
   * state and ports: every Durable Object, alarm, queue delivery and isolate cache is gone at once.
   */
  async restartWorker(): Promise<void> {
    const ports = this.ports;
    if (!ports || !this.dev) throw new Error("restartWorker: no worker running");
    const dev = this.dev;
    const exited = new Promise<void>((r) => dev.once("exit", () => r()));
    try {
      process.kill(-(dev.pid as number), "SIGKILL");
    } catch {
      // already gone
    }
    this.dev = null;
    await Promise.race([exited, sleep(10_000)]);
    if (this.devLog !== null) closeSync(this.devLog);
    this.devLog = null;
    await this.startDev(ports, this.workerUrl);
  }

  /** Stops wrangler dev and its workerd (their own process group), waiting at most 10 s. */
  private async stopWorker(): Promise<void> {
    const child = this.dev;
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
}

/**
 * Waits until the sites answered a first page of every national feed the
 * world needs: each feed's first poll, its baseline (stored, never sent).
 * Asked of the fakes, not the Worker, so it holds whichever part of the
 * Worker polls (the cron's feeds or the FeedPollers).
 */
async function waitForBaselines(sites: Sites, feeds: readonly string[], timeoutMs: number, dev: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const polled = () => new Set(Object.entries({ ...sites.olx.feeds, ...sites.otodom.feeds }).filter(([, f]) => f.polls > 0).map(([key]) => key));
  for (;;) {
    const seen = polled();
    const missing = feeds.filter((f) => !seen.has(f));
    if (missing.length === 0) return;
    if (dev.exitCode !== null) throw new Error("wrangler dev exited before the feeds took their baseline");
    if (Date.now() > deadline) throw new Error(`no baseline in ${timeoutMs / 1000} s for ${missing.join(", ")} (polled: ${[...seen].join(", ") || "nothing"})`);
    await sleep(250);
  }
}

/** OLX_REQUESTS_PER_MIN and OTODOM_REQUESTS_PER_MIN as wrangler.toml's [vars] set them (the Worker's budgets); null: not set. */
export function readBudgets(): Record<Site, number | null> {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const read = (name: string) => {
    const m = new RegExp(`^${name}\\s*=\\s*"?(\\d+(?:\\.\\d+)?)"?`, "m").exec(toml);
    return m ? Number(m[1]) : null;
  };
  return { olx: read("OLX_REQUESTS_PER_MIN"), otodom: read("OTODOM_REQUESTS_PER_MIN") };
}

/** The city rows of the migrated local D1: where the fakes publish each feed. */
function readCities(state: string): Map<string, CityRow> {
  const out = wranglerSync(
    ["d1", "execute", "DB", "--local", "--persist-to", state, "--json", "--command",
      "SELECT slug, name, olx_city_id, olx_region_id, otodom_path, region, lat, lon FROM locations WHERE kind = 'city'"],
    { quiet: true },
  );
  const rows = ((JSON.parse(out.slice(out.indexOf("["))) as { results: CityRow[] }[])[0]?.results ?? []);
  return new Map(rows.map((r) => [r.slug, r]));
}

function makeBenchWorld(preset: Preset, seed: number, cities: ReadonlyMap<string, CityRow>, towns: readonly NationalCity[]): BenchWorld {
  if (preset.world === "small") return makeSmallWorld(preset.users, preset.searchesPerUser, seed);
  if (preset.world === "national") {
    // Prices depend on the site and deal, not the town: one city's sample stands for all.
    const sampled = (["olx", "otodom"] as const).flatMap((source) => (["rent", "sale"] as const).map((deal) => ({ source, deal, property: "flat" as const, city: "warszawa" })));
    const prices = samplePrices(sampled, cities);
    return makeNationalWorld(
      {
        users: preset.users,
        searchesPerUser: preset.searchesPerUser,
        cities: searchCities(towns, cities, preset.searchCities),
        prices: new Map(sampled.map((f) => [`${f.source}|${f.deal}`, prices.get(`${f.source}|${f.deal}|flat|warszawa`) ?? []])),
        saleShare: { olx: NATIONAL_RATES.olx.saleShare, otodom: NATIONAL_RATES.otodom.saleShare },
      },
      seed,
    );
  }
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

async function benchCounts(worker: string): Promise<BenchCounts | null> {
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
function readD1(state: string): D1Rows {
  const out = wranglerSync(
    [
      "d1", "execute", "DB", "--local", "--persist-to", state, "--json", "--command",
      "SELECT source, external_id, published_at, first_seen_at, enqueued_at, filtered_at, notify FROM listings; " +
        "SELECT l.source, l.external_id, u.chat_id, n.matched_at, n.handed_at, n.sent_at, n.status, n.digest " +
        "FROM notifications n JOIN users u ON u.id = n.user_id JOIN listings l ON l.id = n.listing_id; " +
        // Every column: feeds.stats (the pollers' figures) only exists once there are pollers.
        "SELECT * FROM feeds",
    ],
    { quiet: true },
  );
  const results = JSON.parse(out.slice(out.indexOf("["))) as { results: unknown[] }[];
  return {
    listings: (results[0]?.results ?? []) as D1Rows["listings"],
    notifications: (results[1]?.results ?? []) as D1Rows["notifications"],
    feeds: (results[2]?.results ?? []) as D1Rows["feeds"],
  };
}

