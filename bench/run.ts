/**
 * `npm run bench -- --small`: GetMeOne in a simulated world on 127.0.0.1,
 * measured end to end. `--detect`: the same for all of Poland on
 * production's clock (national fakes, sim/national.ts), for how fast new
 * listings are detected and what that costs the sites and D1.
 *
 *   fake OLX + fake Otodom   publish new listings at a steady rate (real captures, values rewritten)
 *   wrangler dev --local     the real Worker (bench/worker.ts = src/index.ts + D1 call counting),
 *                            local D1/Queues/Durable Objects persisted to a fresh temp dir
 *   fake Telegram Bot API    ~1 msg/s per chat, 30 msg/s in total, 429 + retry_after beyond;
 *                            records every accepted message with its arrival time
 *
 * N users with M saved searches are seeded in D1; the cron (the reconciler,
 * which starts the FeedPollers) is fired about once a minute, and the pollers
 * poll the national feeds on their own alarms within the sites' budgets. The
 * compressed presets publish faster than production does. Once the feeds took
 * their baseline the fakes publish for the preset's time, then the run waits (bounded) for the
 * pipeline to drain, stops everything, reads D1 and the fake Telegram's
 * record, and compares what arrived with what the seeded searches should have
 * got (computed by bench/seed.ts, independently of src/filter). bench/world-run.ts
 * runs the world (shared with `npm run chaos`); bench/analyse.ts, pure, turns what
 * it collected into the result; this file is the command line and the reports.
 *
 * Writes bench/results/latest.{json,md,svg}; the last line of stdout is the
 * JSON. Exit 1 on any lost, duplicated or unexpected notification or any 429
 * (correctness, not timing: nothing here asserts a duration, --detect's
 * targets included); exit 2 when the world could not be run at all.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { telegramFailures } from "../sim/fake-telegram.ts";
import { ROOT } from "../sim/world.ts";
import { type Analysis, analyse } from "./analyse.ts";
import { targetLines } from "./detection.ts";
import { PRESETS, type Preset, detectPreset, soakPreset } from "./presets.ts";
import { markdownTable, scatterSvg, textTable } from "./report.ts";
import { FIRST_TELEGRAM_ID } from "./seed.ts";
import { costMarkdown, fetcherCostMarkdown } from "./cost.ts";
import { Run, type RunHooks, type RunOptions } from "./world-run.ts";

const RESULTS = new URL("./results/", import.meta.url);

/** What the command line asks for: the run (--keep-state, --detect --promoted-rotate-s S, …) and the self-check. */
interface Options extends RunOptions {
  /** --inject-429: the fake Telegram answers one send with 429 mid-run, so the run must exit 1 (a self-check). */
  inject429: boolean;
}

/** The command line's flags as Options; throws on a bad combination or value. */
function parseOptions(): Options {
  const { values: flags } = parseArgs({
    options: {
      small: { type: "boolean" },
      large: { type: "boolean" },
      /** Steady load for this many minutes, looking for drift. */
      soak: { type: "string" },
      seed: { type: "string", default: "1" },
      "keep-state": { type: "boolean" },
      "inject-429": { type: "boolean" },
      /** Detection at the limit: all of Poland on production's clock. */
      detect: { type: "boolean" },
      /** --detect: minutes of publication (default 10). */
      minutes: { type: "string" },
      /** --detect: fake OLX shows other promoted ads every this many seconds (default: never). */
      "promoted-rotate-s": { type: "string" },
    },
    strict: true,
  });
  if ([flags.small, flags.large, flags.soak !== undefined, flags.detect].filter(Boolean).length > 1) throw new Error("give one of --small, --large, --soak MINUTES, --detect");
  if (!flags.detect && (flags.minutes !== undefined || flags["promoted-rotate-s"] !== undefined)) throw new Error("--minutes and --promoted-rotate-s go with --detect");
  const preset: Preset = flags.detect
    ? detectPreset(flags.minutes === undefined ? undefined : Number(flags.minutes))
    : flags.soak !== undefined
      ? soakPreset(Number(flags.soak))
      : ((flags.large ? PRESETS.large : PRESETS.small) as Preset);
  if (!flags.small && !flags.large && flags.soak === undefined && !flags.detect) console.log("(no preset given: running --small)");
  const seed = Number(flags.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${flags.seed}`);
  const rotateS = Number(flags["promoted-rotate-s"] ?? 0);
  if (!Number.isFinite(rotateS) || rotateS < 0) throw new Error(`--promoted-rotate-s takes seconds, got ${flags["promoted-rotate-s"]}`);
  return { preset, seed, keepState: flags["keep-state"] === true, inject429: flags["inject-429"] === true, promotedRotateMs: rotateS * 1000 };
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

function writeResults({ result, dists, points, samples }: Analysis, options: Options): void {
  const { preset, seed } = options;
  mkdirSync(RESULTS, { recursive: true });
  const at = new Date().toISOString();
  const m = machine();
  const minutes = preset.name === "detect" ? ` --minutes ${preset.publishMs / 60_000}` : "";
  const rotate = options.promotedRotateMs ? ` --promoted-rotate-s ${options.promotedRotateMs / 1000}` : "";
  const command = `npm run bench -- --${preset.name}${minutes}${rotate}${seed !== 1 ? ` --seed ${seed}` : ""}${options.inject429 ? " --inject-429" : ""}`;
  const full = { ...result, at, machine: m, command };
  const header =
    `## GetMeOne benchmark, --${preset.name} (${at})\n\n` +
    `Machine: ${m.cpus} CPUs (${m.cpu_model}), ${m.memory_gib} GiB, Node ${m.node}, wrangler ${m.wrangler}, ${m.platform}.`;
  const clock = preset.feedIntervalS === 60 ? "production's clock" : `the clock runs 60 / FEED_INTERVAL_S = ${60 / preset.feedIntervalS}× fast`;
  const costNote =
    `Usage measured over the run's window, which stands for ${result.cost?.production_hours ?? "?"} h of production time (${clock}), ` +
    `scaled to a month. CPU is wrangler dev's whole workerd (with the local D1, Queues and Durable Objects simulation): an upper bound. ` +
    `Cron requests: production's once a minute. Prices: Cloudflare's published Workers Paid prices, bench/cost.ts.`;
  const costSection = result.cost ? `\n### Estimated monthly cost on Cloudflare at this load\n\n${costMarkdown(result.cost, costNote)}\n#### If a site refuses the Worker (README, "Fetchers")\n\n${fetcherCostMarkdown()}` : "";
  const targets = preset.world === "national" ? `targets, and where this run stands:\n${targetLines(result.targets).join("\n")}\n` : "";
  writeFileSync(new URL("latest.md", RESULTS), markdownTable(result, dists, header) + (targets ? `\n\`\`\`\n${targets}\`\`\`\n` : "") + costSection);
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
  if (targets) console.log(targets);
  if (result.cost) console.log(`estimated monthly cost on Cloudflare at this load:\n\n${costMarkdown(result.cost, costNote)}`);
  console.log(`wrote bench/results/latest.json, latest.md, latest.svg, latest-samples.csv (one row per delivered notification; chat ids from ${FIRST_TELEGRAM_ID})`);
  console.log(JSON.stringify(full));
}

const options = parseOptions();
const hooks: RunHooks = options.inject429
  ? { duringPublish: ({ telegram }) => void setTimeout(() => telegram.failNext(1, telegramFailures.tooManyRequests(1)), options.preset.publishMs / 2).unref() }
  : {};
process.exit(
  await new Run(options, hooks).main(({ input }) => {
    const analysis = analyse(input);
    writeResults(analysis, options);
    return analysis.result.ok ? 0 : 1;
  }),
);
