/**
 * `npm run chaos [-- NAME ... | --short] [--seed N]`: the small simulated
 * world (bench/world-run.ts: the real Worker under `wrangler dev --local`
 * against the fake sites and the fake Bot API) with one fault switched on per
 * scenario, from outside the Worker: in the fakes (sim/faults.ts) or on the
 * Worker's process (the cron fired over itself, wrangler dev killed and
 * restarted). Each scenario publishes for a short while, starts its fault
 * after a lead-in, drains, and is judged by bench/chaos-verdict.ts against a
 * control run of the same world without a fault, run first.
 *
 * Prints one JSON object per scenario, then a last line
 * `{"scenarios": N, "failed": [...], "results": {...}, "covered_by_tests": {...}}`;
 * the Cloudflare faults that cannot be caused from outside wrangler dev are
 * listed there with the workerd test that injects them at the code boundary.
 * Exit 1 when a scenario fails, 2 when a world could not be run.
 */
import { readFileSync } from "node:fs";
import { UNKNOWN_OUTCOME_RETRY_MS } from "../src/durable/pacing.ts";
import { parseArgs } from "node:util";
import { type FaultySite, type FaultyTelegram, cloudfrontBlock, datadomeCaptcha, duplicatedItems, emptyPage, faultySite, faultyTelegram, hidden, olxDrift, otodomDrift, serverError, withoutPlace } from "../sim/faults.ts";
import type { PageEdit } from "../sim/publisher.ts";
import { prng } from "../sim/random.ts";
import { fireCron } from "../sim/world.ts";
import { matchedAfterDrop } from "./analyse.ts";
import { type ChaosFigures, chaosFigures } from "./chaos-verdict.ts";
import { PRESETS, type Preset } from "./presets.ts";
import { FIRST_TELEGRAM_ID } from "./seed.ts";
import { type Collected, type Run, Run as WorldRun, type Sites, readBudgets, sleep } from "./world-run.ts";

/** Lead-in: publication before the fault begins. */
const LEAD_IN_MS = 8_000;
/** How long the fakes publish in a scenario (ms), unless it says otherwise. */
const PUBLISH_MS = 25_000;
/**
 * A send held this long, then its connection cut, before the Worker's own 60 s
 * call timeout: Telegram did not take it, but the Worker cannot know that, so
 * it is an unknown outcome, retried no sooner than UNKNOWN_OUTCOME_RETRY_MS
 * (a retry of a send that did arrive is a duplicate: issue 14).
 */
const TELEGRAM_HANG_MS = 16_000;
/** A site that never answers: held this long, far past any timeout the Worker should have. */
const SITE_HANG_MS = 60_000;
/** The Worker's own page timeout (src/sources/fetch-page.ts PAGE_TIMEOUT_MS): part of what a hung site costs. */
const PAGE_TIMEOUT_MS = 10_000;

const blockPage = (name: string) => readFileSync(new URL(`../test/fixtures/blocked/${name}`, import.meta.url), "utf8");

/** The fault switches of one run, made when the run wraps the fakes. */
interface Switches {
  olx: FaultySite;
  otodom: FaultySite;
  telegram: FaultyTelegram;
}

interface Timeline {
  sites: Sites;
  switches: Switches;
  run: Run;
  worker: () => string;
  /** ms since publication began */
  at: (ms: number) => Promise<void>;
  blockedChats: Set<number>;
  /** What the fault turned out to last, when only the run can tell (a restart). */
  measuredFaultMs: (ms: number) => void;
}

interface Scenario {
  name: string;
  /** What the fault is, for the table. */
  fault: string;
  /** How it is injected. */
  how: string;
  /** How long the fault lasts (ms); 0: a single bad page or answer. */
  faultMs: number;
  /** The poll interval the pass rule allows on top: the slowest of the sites the fault touched. */
  sites: ("olx" | "otodom")[];
  publishMs?: number;
  drainMs?: number;
  /** The fault, on the run's clock, from LEAD_IN_MS on. */
  play: (t: Timeline) => Promise<void>;
}

/** A page edit for the next `pages` pages of a site, then none. */
function forPages(edit: PageEdit, pages: number): PageEdit {
  let left = pages;
  return (items) => (left-- > 0 ? edit(items) : items);
}

const both = (sites: Sites, edit: PageEdit | null) => {
  sites.olx.setPageEdit(edit);
  sites.otodom.setPageEdit(edit);
};

/** The same world without a fault: its slowest delivery is what the others' extra delay is measured from. */
const CONTROL: Scenario = {
  name: "control",
  fault: "none: the reference run",
  how: "-",
  faultMs: 0,
  sites: [],
  async play() {},
};

const SCENARIOS: Scenario[] = [
  {
    name: "telegram-429-storm",
    fault: "every send answered 429 for 60 s, retry_after the seconds left (60 at first)",
    how: "fake Bot API (sim/faults.ts 429-storm)",
    faultMs: 60_000,
    sites: [],
    drainMs: 120_000,
    async play({ switches, at }) {
      await at(LEAD_IN_MS);
      switches.telegram.add({ kind: "429-storm", until: Date.now() + 60_000 });
    },
  },
  {
    name: "telegram-5xx-timeouts",
    fault: "20 % of sends for 15 s: half 502, half no answer for 16 s, then the connection cut (not accepted); fault_ms adds the hang and the minute an unknown outcome waits before its retry",
    how: "fake Bot API (flaky)",
    faultMs: 15_000 + TELEGRAM_HANG_MS + UNKNOWN_OUTCOME_RETRY_MS,
    sites: [],
    drainMs: 120_000,
    async play({ switches, at }) {
      await at(LEAD_IN_MS);
      switches.telegram.add({ kind: "flaky", share: 0.2, hangMs: TELEGRAM_HANG_MS });
      await at(LEAD_IN_MS + 15_000);
      switches.telegram.remove("flaky");
    },
  },
  {
    name: "telegram-answer-lost",
    fault: "5 % of sends for 15 s accepted by Telegram, then the answer lost (connection cut): unknown outcomes; the run goes on past their retry a minute later, so the copies it makes are counted",
    how: "fake Bot API (lost-answer)",
    faultMs: 15_000,
    sites: [],
    publishMs: LEAD_IN_MS + 15_000 + UNKNOWN_OUTCOME_RETRY_MS + 5_000,
    async play({ switches, at }) {
      await at(LEAD_IN_MS);
      switches.telegram.add({ kind: "lost-answer", share: 0.05 });
      await at(LEAD_IN_MS + 15_000);
      switches.telegram.remove("lost-answer");
    },
  },
  {
    name: "telegram-user-blocks-bot",
    fault: "one user blocks the bot mid-backlog: 403 to their chat from then on",
    how: "fake Bot API (blocked-by)",
    faultMs: 0,
    sites: [],
    async play({ switches, at, blockedChats }) {
      await at(LEAD_IN_MS);
      blockedChats.add(FIRST_TELEGRAM_ID);
      switches.telegram.add({ kind: "blocked-by", chatId: FIRST_TELEGRAM_ID });
    },
  },
  {
    name: "telegram-photo-refused",
    fault: "every photo refused for 15 s (400 wrong file identifier / failed to get HTTP URL content)",
    how: "fake Bot API (photo-refused)",
    faultMs: 0,
    sites: [],
    async play({ switches, at }) {
      await at(LEAD_IN_MS);
      switches.telegram.add({ kind: "photo-refused" });
      await at(LEAD_IN_MS + 15_000);
      switches.telegram.remove("photo-refused");
    },
  },
  {
    name: "source-captcha-once",
    fault: "one block page from each site: OLX the real CloudFront page, Otodom the real DataDome captcha (403)",
    how: "fake sites (faultySite, test/fixtures/blocked)",
    faultMs: 0,
    sites: ["olx", "otodom"],
    async play({ switches, at }) {
      await at(LEAD_IN_MS);
      switches.olx.set(cloudfrontBlock(blockPage("cloudfront-request-blocked-2025.html")), { pages: 1 });
      switches.otodom.set(datadomeCaptcha(blockPage("datadome-captcha-2026.html")), { pages: 1 });
    },
  },
  {
    name: "source-captcha-run",
    fault: "both sites answer only block pages for 20 s",
    how: "fake sites (faultySite)",
    faultMs: 20_000,
    sites: ["olx", "otodom"],
    async play({ switches, at }) {
      await at(LEAD_IN_MS);
      switches.olx.set(cloudfrontBlock(blockPage("cloudfront-request-blocked-2025.html")));
      switches.otodom.set(datadomeCaptcha(blockPage("datadome-captcha-2026.html")));
      await at(LEAD_IN_MS + 20_000);
      switches.olx.set(null);
      switches.otodom.set(null);
    },
  },
  {
    name: "source-5xx",
    fault: "both sites answer 503 for 10 s",
    how: "fake sites (faultySite)",
    faultMs: 10_000,
    sites: ["olx", "otodom"],
    async play({ switches, at }) {
      await at(LEAD_IN_MS);
      switches.olx.set(serverError());
      switches.otodom.set(serverError());
      await at(LEAD_IN_MS + 10_000);
      switches.olx.set(null);
      switches.otodom.set(null);
    },
  },
  {
    name: "source-timeouts",
    fault: "for 10 s both sites take requests and never answer (held 60 s, then cut); fault_ms adds the Worker's 10 s page timeout",
    how: "fake sites (faultySite hang)",
    faultMs: 10_000 + PAGE_TIMEOUT_MS,
    sites: ["olx", "otodom"],
    async play({ switches, at }) {
      await at(LEAD_IN_MS);
      switches.olx.set({ kind: "hang", ms: SITE_HANG_MS });
      switches.otodom.set({ kind: "hang", ms: SITE_HANG_MS });
      await at(LEAD_IN_MS + 10_000);
      switches.olx.set(null);
      switches.otodom.set(null);
    },
  },
  {
    name: "source-empty-page",
    fault: "one page from each site lists no items",
    how: "fake sites (page edit)",
    faultMs: 0,
    sites: ["olx", "otodom"],
    async play({ sites, at }) {
      await at(LEAD_IN_MS);
      sites.olx.setPageEdit(forPages(emptyPage, 1));
      sites.otodom.setPageEdit(forPages(emptyPage, 1));
    },
  },
  {
    name: "source-drifted-format",
    fault: "for 10 s the items drift as the real captures did: OLX keys renamed (isBusiness, createdTime), price param and district gone; Otodom items with only the 2021 locationLabel, no location object and no dates",
    how: "fake sites (page edit)",
    faultMs: 10_000,
    sites: ["olx", "otodom"],
    async play({ sites, at }) {
      await at(LEAD_IN_MS);
      sites.olx.setPageEdit(olxDrift);
      sites.otodom.setPageEdit(otodomDrift);
      await at(LEAD_IN_MS + 10_000);
      both(sites, null);
    },
  },
  {
    name: "source-items-without-place",
    fault: "for 10 s the items of both sites lose their location fields (OLX location and map, Otodom location): nothing says where they are",
    how: "fake sites (page edit)",
    faultMs: 10_000,
    sites: ["olx", "otodom"],
    async play({ sites, at }) {
      await at(LEAD_IN_MS);
      both(sites, withoutPlace);
      await at(LEAD_IN_MS + 10_000);
      both(sites, null);
    },
  },
  {
    name: "source-duplicated-items",
    fault: "for 15 s every item is listed twice on its page",
    how: "fake sites (page edit)",
    faultMs: 0,
    sites: ["olx", "otodom"],
    async play({ sites, at }) {
      await at(LEAD_IN_MS);
      both(sites, duplicatedItems);
      await at(LEAD_IN_MS + 15_000);
      both(sites, null);
    },
  },
  {
    name: "source-disappear-return",
    fault: "for 15 s the 5 newest listings already seen and every listing published meanwhile are missing from the pages, then come back",
    how: "fake sites (page edit)",
    faultMs: 15_000,
    sites: ["olx", "otodom"],
    async play({ sites, at }) {
      await at(LEAD_IN_MS);
      const ids = new Set<string>();
      const newest = (site: { listings: readonly { id: number }[] }, n: number) => site.listings.slice(-n).map((l) => String(l.id));
      for (const id of [...newest(sites.olx, 5), ...newest(sites.otodom, 5)]) ids.add(id);
      const seen = { olx: sites.olx.listings.length, otodom: sites.otodom.listings.length };
      both(sites, hidden(ids));
      const until = Date.now() + 15_000;
      while (Date.now() < until) {
        // Published during the fault: hidden from their first page on.
        for (const id of [...newest(sites.olx, sites.olx.listings.length - seen.olx), ...newest(sites.otodom, sites.otodom.listings.length - seen.otodom)]) ids.add(id);
        sites.olx.advance(Date.now());
        sites.otodom.advance(Date.now());
        await sleep(100);
      }
      both(sites, null);
    },
  },
  {
    name: "source-slow",
    fault: "for 20 s both sites answer every request 10 s late; fault_ms adds one slow answer: a request made at the window's end still takes 10 s",
    how: "fake sites (faultySite slow)",
    faultMs: 20_000 + 10_000,
    sites: ["olx", "otodom"],
    async play({ switches, at }) {
      await at(LEAD_IN_MS);
      switches.olx.set({ kind: "slow", ms: 10_000 });
      switches.otodom.set({ kind: "slow", ms: 10_000 });
      await at(LEAD_IN_MS + 20_000);
      switches.olx.set(null);
      switches.otodom.set(null);
    },
  },
  {
    name: "source-issue-15-mix",
    fault: "the issue's case: one CloudFront block page from OLX; one 503, one empty and one drifted page from Otodom in a row (fault_ms: those three pages at Otodom's pace)",
    how: "fake sites (faultySite, page edits)",
    faultMs: 3 * 5_000,
    sites: ["olx", "otodom"],
    async play({ sites, switches, at }) {
      await at(LEAD_IN_MS);
      switches.olx.set(cloudfrontBlock(blockPage("cloudfront-request-blocked-2025.html")), { pages: 1 });
      switches.otodom.set(serverError(), { pages: 1 });
      // The two pages after the 503: the first empty, the second drifted.
      let page = 0;
      sites.otodom.setPageEdit((items) => (++page === 1 ? emptyPage(items) : page === 2 ? otodomDrift(items) : items));
    },
  },
  {
    name: "cloudflare-cron-overlap",
    fault: "for 15 s the cron fires 3 times at once every 3 s, each run overlapping the others and the pollers' alarms",
    how: "wrangler dev's /__scheduled, concurrently",
    faultMs: 0,
    sites: ["olx", "otodom"],
    async play({ worker, at }) {
      await at(LEAD_IN_MS);
      for (let i = 0; i < 5; i++) {
        await Promise.all([0, 1, 2].map(() => fireCron(worker(), AbortSignal.timeout(30_000)).then((r) => r.text(), () => "")));
        await at(LEAD_IN_MS + (i + 1) * 3_000);
      }
    },
  },
  {
    name: "cloudflare-worker-restart",
    fault: "wrangler dev SIGKILLed mid-run and started again on the same state: every Durable Object evicted mid-send, alarms and queue deliveries in flight cut (fault_ms: the restart's own time)",
    how: "the Worker's process",
    faultMs: 0,
    sites: ["olx", "otodom"],
    drainMs: 60_000,
    async play({ run, at, measuredFaultMs }) {
      await at(LEAD_IN_MS + 2_000);
      const from = Date.now();
      await run.restartWorker();
      measuredFaultMs(Date.now() - from);
    },
  },
];

/** Cloudflare faults wrangler dev cannot be made to have from outside: where the workerd tests inject each. */
const COVERED_BY_TESTS: Record<string, string> = {
  "cloudflare-queue-batch-twice-out-of-order": "test/chaos/cloudflare.test.ts: a queue batch delivered twice, the second time reversed",
  "cloudflare-consumer-throws-half-way": "test/chaos/cloudflare.test.ts: a consumer that throws half-way through a batch",
  "cloudflare-do-evicted-between-sends": "test/chaos/cloudflare.test.ts: a Notifier evicted between two sends",
  "cloudflare-alarm-fires-twice": "test/chaos/cloudflare.test.ts: a Notifier alarm and a poller alarm that fire twice",
  "cloudflare-d1-statement-fails-in-batch": "test/chaos/cloudflare.test.ts: one D1 statement failing inside the filter's batch",
  "cloudflare-poller-overlap": "test/chaos/cloudflare.test.ts: two polls of one feed at once",
  "backoff-one-bad-page": "test/cron/feed-poller.test.ts: one bad page costs no more than one interval",
};

/** The short set CI runs: the headline case and the one honest source of duplicates. */
const SHORT = ["source-issue-15-mix", "telegram-answer-lost"];

function parse(): { scenarios: Scenario[]; seed: number; keepState: boolean } {
  const { values, positionals } = parseArgs({ options: { short: { type: "boolean" }, "keep-state": { type: "boolean" }, seed: { type: "string", default: "1" }, list: { type: "boolean" } }, allowPositionals: true, strict: true });
  if (values.list) {
    for (const s of SCENARIOS) console.log(`${s.name.padEnd(28)} ${s.fault}`);
    process.exit(0);
  }
  const names = values.short ? SHORT : positionals.length ? positionals : SCENARIOS.map((s) => s.name);
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(", ")} (npm run chaos -- --list)`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  return { scenarios: SCENARIOS.filter((s) => names.includes(s.name)), seed, keepState: values["keep-state"] === true };
}

/** One scenario's world, run and judged; null when the world could not be run. */
async function runScenario(scenario: Scenario, seed: number, keepState: boolean, referenceMaxDelayMs: number | null): Promise<ChaosFigures | null> {
  const preset: Preset = {
    ...(PRESETS.small as Preset),
    name: `chaos ${scenario.name}`,
    publishMs: scenario.publishMs ?? PUBLISH_MS,
    drainTimeoutMs: scenario.drainMs ?? 45_000,
  };
  const budgets = readBudgets();
  const intervalOf = (site: "olx" | "otodom") => 60_000 / (budgets[site] ?? 12);
  // A Telegram fault is judged with the slowest site's interval: the listings still reach the Worker by polling.
  const intervalMs = Math.max(...(scenario.sites.length ? scenario.sites : (["olx", "otodom"] as const)).map(intervalOf));
  const switches: Partial<Switches> = {};
  const blockedChats = new Set<number>();
  let faultMs = scenario.faultMs;
  let worker = "";
  let figures: ChaosFigures | null = null;
  let run: WorldRun;
  const hooks = {
    wrap: {
      olx: (h: Parameters<typeof faultySite>[0]) => (switches.olx = faultySite(h)).handle,
      otodom: (h: Parameters<typeof faultySite>[0]) => (switches.otodom = faultySite(h)).handle,
      telegram: (h: Parameters<typeof faultySite>[0]) => (switches.telegram = faultyTelegram(h, { random: prng(seed * 104_729 + 7) })).handle,
    },
    duringPublish: async ({ sites, publishFrom, run: r }: { sites: Sites; publishFrom: number; run: Run }) => {
      worker = r.workerUrl;
      await scenario.play({
        sites,
        switches: switches as Switches,
        run: r,
        worker: () => worker,
        at: (ms) => sleep(publishFrom + ms - Date.now()),
        blockedChats,
        measuredFaultMs: (ms) => (faultMs = ms),
      });
    },
    awaited: (expected: ReadonlySet<string>) => new Set([...expected].filter((p) => !blockedChats.has(Number(p.split("|")[0])))),
  };
  run = new WorldRun({ preset, seed, keepState, promotedRotateMs: 0 }, hooks);
  const code = await run.main(({ input }: Collected) => {
    figures = chaosFigures({
      published: input.published,
      baseline: input.baseline,
      expected: input.expected,
      tolerated: matchedAfterDrop(input.world, input.published, input.priceChanges),
      messages: input.telegram.messages,
      blockedChats,
      unknownOutcomes: switches.telegram?.unknownOutcomes ?? 0,
      referenceMaxDelayMs,
      faultMs,
      intervalMs,
    });
    return figures.ok ? 0 : 1;
  });
  return code === 2 ? null : figures;
}

const { scenarios, seed, keepState } = parse();
const results: Record<string, ChaosFigures | { error: string }> = {};
const failed: string[] = [];
let reference: number | null = null;
for (const scenario of [CONTROL, ...scenarios]) {
  const startedAt = Date.now();
  console.log(`--- chaos: ${scenario.name}: ${scenario.fault}`);
  const figures = await runScenario(scenario, seed, keepState, scenario === CONTROL ? null : reference);
  if (scenario === CONTROL) {
    reference = figures?.max_delay_ms ?? null;
    if (reference === null) {
      console.error("chaos: the control run delivered nothing: no reference to measure delays against");
      process.exit(2);
    }
  }
  if (!figures || !figures.ok) failed.push(scenario.name);
  results[scenario.name] = figures ?? { error: "the world could not be run (see above)" };
  console.log(JSON.stringify({ scenario: scenario.name, fault: scenario.fault, injected: scenario.how, wall_s: Math.round((Date.now() - startedAt) / 1000), ...(figures ?? { error: "not run" }) }));
}
const summary = Object.fromEntries(
  Object.entries(results).map(([name, r]) =>
    "error" in r ? [name, r] : [name, { expected: r.expected, delivered: r.delivered, lost: r.lost, duplicates: r.duplicates, unknown_outcomes: r.unknown_outcomes, max_extra_delay_ms: r.max_extra_delay_ms }],
  ),
);
console.log(JSON.stringify({ scenarios: scenarios.length + 1, failed, results: summary, covered_by_tests: COVERED_BY_TESTS }));
process.exit(Object.values(results).some((r) => "error" in r) ? 2 : failed.length ? 1 : 0);
