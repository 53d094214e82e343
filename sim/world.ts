/**
 * The local world that `npm start` and the benchmark (bench/run.ts) share: the
 * fake sites built from the real captures, and `wrangler dev --local` running
 * the Worker against them. Node only (child processes, files); the fakes
 * themselves stay web-standard in sim/fake-*.ts.
 *
 * Two worlds of fake sites: createFakeSites, a few feeds' worth of listings
 * published when the caller says (the compressed presets, `npm start`), and
 * createNationalWorld, all of Poland publishing at the real daily rates on the
 * real clock (`npm run bench -- --detect`, sim/national.ts).
 */
import { type ChildProcess, type StdioOptions, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type NationalCity, nationalCities } from "./cities.ts";
import { createFakeOlx, type FakeOlx } from "./fake-olx.ts";
import { createFakeOtodom, type FakeOtodom } from "./fake-otodom.ts";
import { type NationalCaptures, type NationalSites, type NationalSitesOptions, createNationalSites, idOffsetAt, nationalCaptures } from "./national.ts";

/** The repository root (wrangler runs there: wrangler.toml, drizzle/). */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** A capture from test/fixtures, parsed. */
export function fixture(path: string): unknown {
  return JSON.parse(readFileSync(new URL(`../test/fixtures/${path}`, import.meta.url), "utf8"));
}

/** Poland's towns with their weights (sim/cities.ts), from data/olx-cities.json. */
export function loadNationalCities(): NationalCity[] {
  return nationalCities(JSON.parse(readFileSync(new URL("../data/olx-cities.json", import.meta.url), "utf8")));
}

/** The real captures the fakes are built from, read from test/fixtures. */
function captures(): NationalCaptures {
  return nationalCaptures({
    olxAnswer2026: fixture("olx/api-offers-mieszkania-sprzedaz-gdansk-2026.json"),
    olxRental2023: fixture("olx/api-offer-mieszkania-wroclaw-2023.json"),
    otodomPage2026: fixture("otodom/search-sell-flat-krakow-2026.json"),
    otodomItems2026: [fixture("otodom/search-item-sell-gdansk-2026.json"), fixture("otodom/search-rent-flat-poznan-2026-item.json")],
  });
}

/** Options of {@link createFakeSites}. */
export interface FakeSitesOptions {
  /** Listings each site already has, one minute apart, the newest at `now`. */
  initial: number;
  /** ms since epoch. */
  now: number;
}

/**
 * Fake OLX (flat rentals in Wrocław: the real 2023 olx.pl rental offer, and
 * sales as the real 2026 Gdańsk offer, in the real 2026 olx.pl answer's
 * envelope) and fake Otodom (flats for sale in Kraków: the real 2026 search
 * page; the real 2026 Poznań rental item for listings published as rentals),
 * as the captures describe them. Listings go where the caller's target says
 * (default: the captures' own city and deal). Nothing is published steadily
 * until the caller says so (`steady`).
 */
export function createFakeSites(options: FakeSitesOptions): { olx: FakeOlx; otodom: FakeOtodom } {
  const idOffset = idOffsetAt(options.now);
  const c = captures();
  const olx = createFakeOlx({ offers: c.olxOffers, envelope: c.olxEnvelope, initial: options.initial, now: options.now, firstId: 1_000_000_000 + idOffset });
  const otodom = createFakeOtodom({ nextData: c.nextData, extraItems: c.extraItems, initial: options.initial, now: options.now, firstId: 100_000_000 + idOffset });
  return { olx, otodom };
}

/** Options of {@link createNationalWorld}: createNationalSites' own, the captures and towns read here. */
export type NationalWorldOptions = Omit<NationalSitesOptions, "cities" | "captures"> & { cities?: readonly NationalCity[] };

/** The national fakes (sim/national.ts) on the real captures and all of data/olx-cities.json's towns. */
export function createNationalWorld(options: NationalWorldOptions): NationalSites {
  return createNationalSites({ ...options, cities: options.cities ?? loadNationalCities(), captures: captures() });
}

/** Node + wrangler's own entry: no npx lookup, and a kill reaches wrangler itself. */
function wranglerCommand(args: readonly string[]): [string, string[]] {
  return [process.execPath, [fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url)), ...args]];
}

/**
 * Runs a wrangler command to completion in the repository root; throws on a
 * non-zero exit. `quiet` captures the output (returned) instead of showing it.
 */
export function wranglerSync(args: readonly string[], options: { quiet?: boolean } = {}): string {
  const [command, argv] = wranglerCommand(args);
  const out = execFileSync(command, argv, {
    cwd: ROOT,
    stdio: ["ignore", options.quiet ? "pipe" : "inherit", options.quiet ? "pipe" : "inherit"],
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  return out ?? "";
}

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  port: number;
  /** `--var`s: where the fakes are, the mode, the feed interval. */
  vars: Record<string, string>;
  /** Entry other than wrangler.toml's `main` (the benchmark's instrumented wrapper). */
  script?: string;
  /** Local state directory (D1, queues, Durable Objects); default wrangler's .wrangler/state. */
  persistTo?: string;
  /** Default wrangler's 9229. Two wrangler dev at once need different ones. */
  inspectorPort?: number;
  /** Default "warn". */
  logLevel?: string;
  /** Default: stdout and stderr inherited. */
  stdio?: StdioOptions;
  /** Own process group, so the caller can stop wrangler and its workerd together. */
  detached?: boolean;
}

/** `wrangler dev --local` on 127.0.0.1 with the cron reachable at /__scheduled. */
export function startWorker(options: WorkerOptions): ChildProcess {
  const args = [
    "dev",
    ...(options.script ? [options.script] : []),
    "--local", "--ip", "127.0.0.1", "--port", String(options.port), "--test-scheduled",
    "--show-interactive-dev-session=false", "--log-level", options.logLevel ?? "warn",
    ...(options.persistTo ? ["--persist-to", options.persistTo] : []),
    ...(options.inspectorPort ? ["--inspector-port", String(options.inspectorPort)] : []),
    ...Object.entries(options.vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const [command, argv] = wranglerCommand(args);
  return spawn(command, argv, {
    cwd: ROOT,
    stdio: options.stdio ?? ["ignore", "inherit", "inherit"],
    detached: options.detached ?? false,
  });
}

/**
 * Polls the Worker until it answers 200, every 500 ms, for at most `timeoutMs`.
 * Rejects early when `child` exits first.
 */
export async function waitForWorker(url: string, options: { timeoutMs: number; child?: ChildProcess }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.child && options.child.exitCode !== null) throw new Error(`wrangler dev exited (${options.child.exitCode}) before it came up`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(5_000) })).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`wrangler dev did not come up in ${Math.round(options.timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Fires the Worker's cron handler once, as Cloudflare would; resolves when the invocation returns. */
export async function fireCron(worker: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${worker}/__scheduled?cron=${encodeURIComponent("* * * * *")}`, signal ? { signal } : {});
}
