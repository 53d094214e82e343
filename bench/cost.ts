/**
 * What a benchmark run's load would cost a month on Cloudflare's Workers Paid
 * plan: the counts the run measured, scaled from the run's compressed window
 * to a month of production time, times the published prices below. Pure: no
 * clock, no files.
 */

/** One price line: what is included in the plan each month and the price beyond it. */
export interface Price {
  product: string;
  unit: string;
  /** Included per month on Workers Paid. */
  included: number;
  /** USD per `per` units beyond what is included. */
  usd: number;
  per: number;
  source: string;
}

/**
 * Cloudflare's published Workers Paid prices, as read on 2026-12-01 from the
 * pages named (quotes and the counting rules in docs/PERFORMANCE.md). Not
 * priced: subrequests (not billed), egress (none), storage (the world's data
 * is a few MB, inside the included 5 GB).
 */
export const PRICES = {
  base: { product: "Workers Paid", unit: "month", included: 0, usd: 5, per: 1, source: "https://developers.cloudflare.com/workers/platform/pricing/" },
  requests: { product: "Workers", unit: "requests", included: 10e6, usd: 0.3, per: 1e6, source: "https://developers.cloudflare.com/workers/platform/pricing/" },
  cpu: { product: "Workers", unit: "CPU ms", included: 30e6, usd: 0.02, per: 1e6, source: "https://developers.cloudflare.com/workers/platform/pricing/" },
  d1Read: { product: "D1", unit: "rows read", included: 25e9, usd: 0.001, per: 1e6, source: "https://developers.cloudflare.com/d1/platform/pricing/" },
  d1Written: { product: "D1", unit: "rows written", included: 50e6, usd: 1, per: 1e6, source: "https://developers.cloudflare.com/d1/platform/pricing/" },
  queueOps: { product: "Queues", unit: "operations (write + read + delete per message)", included: 1e6, usd: 0.4, per: 1e6, source: "https://developers.cloudflare.com/queues/platform/pricing/" },
  doRequests: { product: "Durable Objects", unit: "requests (RPC calls, alarms)", included: 1e6, usd: 0.15, per: 1e6, source: "https://developers.cloudflare.com/durable-objects/platform/pricing/" },
  doDuration: { product: "Durable Objects", unit: "GB-s (128 MB while active)", included: 400_000, usd: 12.5, per: 1e6, source: "https://developers.cloudflare.com/durable-objects/platform/pricing/" },
  doRowsRead: { product: "Durable Objects SQLite", unit: "rows read", included: 25e9, usd: 0.001, per: 1e6, source: "https://developers.cloudflare.com/durable-objects/platform/pricing/" },
  doRowsWritten: { product: "Durable Objects SQLite", unit: "rows written (incl. setAlarm)", included: 50e6, usd: 1, per: 1e6, source: "https://developers.cloudflare.com/durable-objects/platform/pricing/" },
  dataPoints: { product: "Workers Analytics Engine", unit: "data points written", included: 10e6, usd: 0.25, per: 1e6, source: "https://developers.cloudflare.com/analytics/analytics-engine/pricing/" },
  logEvents: { product: "Workers Logs", unit: "log events", included: 20e6, usd: 0.6, per: 1e6, source: "https://developers.cloudflare.com/workers/platform/pricing/#workers-logs" },
} as const satisfies Record<string, Price>;

export type Metered = Exclude<keyof typeof PRICES, "base">;

/** What the run measured, in its own window. */
export type RunUsage = Record<Metered, number>;

/** A share of a line, shown under it (the FeedPollers' part of the Durable Object lines): counted in the line, not priced again. */
export interface CostPart {
  label: string;
  measured: number;
  monthly: number;
}

export interface CostLine {
  item: Metered | "base";
  product: string;
  unit: string;
  /** In the run's window. */
  measured: number;
  /** Scaled to a month of production time. */
  monthly: number;
  included: number;
  usd: number;
  source: string;
  /** Shares of it worth naming; none when empty. */
  parts: CostPart[];
}

export interface CostEstimate {
  /** Month seconds over the production time the run stood for. */
  scale: number;
  lines: CostLine[];
  total_usd: number;
}

/** 30.44 days. */
export const MONTH_S = 2_629_800;

/** A share of the usage that ran on the real clock, not the run's compressed one (the FeedPollers poll at production's pace). */
export interface RealTimePart {
  label: string;
  usage: Partial<RunUsage>;
  /** The wall seconds it ran for. */
  seconds: number;
}

/**
 * The run's usage scaled to a month and priced. `productionSeconds`: how much
 * production time the run's window stands for (its wall time times the clock
 * compression). Cron requests are not scaled: production fires the cron once
 * a minute whatever the load (`cronPerMonth`). `realTime`: a share of the
 * usage (inside `usage`) that ran on the real clock, scaled by its own wall
 * time instead, and shown under its lines.
 */
export function estimateMonthlyCost(usage: RunUsage, productionSeconds: number, cronPerMonth: number, realTime?: RealTimePart): CostEstimate {
  const scale = MONTH_S / productionSeconds;
  const realScale = realTime ? MONTH_S / realTime.seconds : scale;
  const lines: CostLine[] = [
    { item: "base", product: PRICES.base.product, unit: PRICES.base.unit, measured: 1, monthly: 1, included: 0, usd: PRICES.base.usd, source: PRICES.base.source, parts: [] },
  ];
  for (const item of Object.keys(usage) as Metered[]) {
    const price: Price = PRICES[item];
    const real = realTime?.usage[item] ?? 0;
    const compressed = (usage[item] - real) * scale + real * realScale;
    const monthly = item === "requests" ? compressed + cronPerMonth : compressed;
    const beyond = Math.max(0, monthly - price.included);
    lines.push({
      item,
      product: price.product,
      unit: price.unit,
      measured: usage[item],
      monthly: Math.round(monthly),
      included: price.included,
      usd: Math.round(((beyond / price.per) * price.usd) * 100) / 100,
      source: price.source,
      parts: realTime && realTime.usage[item] !== undefined ? [{ label: realTime.label, measured: real, monthly: Math.round(real * realScale) }] : [],
    });
  }
  return { scale: Math.round(scale * 10) / 10, lines, total_usd: Math.round(lines.reduce((s, l) => s + l.usd, 0) * 100) / 100 };
}

const n = (v: number) => (v >= 1e6 ? `${(v / 1e6).toLocaleString("en-US", { maximumFractionDigits: 1 })} M` : Math.round(v).toLocaleString("en-US"));

/** The estimate as a markdown table, the price table beside each figure. */
export function costMarkdown(c: CostEstimate, note: string): string {
  const rows = c.lines.flatMap((l) => [
    `| ${l.product} | ${l.unit} | ${l.item === "base" ? "—" : n(l.measured)} | ${l.item === "base" ? "—" : n(l.monthly)} | ${l.item === "base" ? "—" : n(l.included)} | ` +
      `${l.item === "base" ? "$5 / month" : `$${PRICES[l.item].usd} / ${n(PRICES[l.item].per)}`} | $${l.usd.toFixed(2)} |`,
    ...l.parts.map((p) => `| ↳ of which ${p.label} | ${l.unit} | ${n(p.measured)} | ${n(p.monthly)} | | | (in the line above) |`),
  ]);
  return (
    `| product | unit | in the run | a month (×${c.scale}) | included | price beyond | USD / month |\n| --- | --- | --- | --- | --- | --- | --- |\n` +
    `${rows.join("\n")}\n| **total** | | | | | | **$${c.total_usd.toFixed(2)}** |\n\n${note}\n`
  );
}

/**
 * Cloudflare Browser Rendering (Browser Run) through the `browser` binding,
 * Workers Paid, as read on 2026-12-02 from the page named: browser hours and
 * concurrent browsers (the monthly average of each day's peak), each beyond
 * what is included. Only a site whose feeds are on the browser fetcher spends them.
 */
export const BROWSER_PRICES = {
  hours: { product: "Browser Rendering", unit: "browser hours", included: 10, usd: 0.09, per: 1, source: "https://developers.cloudflare.com/browser-rendering/pricing/" },
  concurrency: { product: "Browser Rendering", unit: "concurrent browsers (monthly average of daily peaks)", included: 10, usd: 2, per: 1, source: "https://developers.cloudflare.com/browser-rendering/pricing/" },
} as const satisfies Record<string, Price>;

/**
 * A month of the browser fetcher with `browsers` kept open: the fetcher's
 * keep_alive is renewed by every poll (a few seconds apart), so a kept
 * browser runs the whole `hoursEach`; an idle browser closes after keep_alive.
 *
 * @example browserMonthlyCost(1).usd // 64.8: 730 h, 720 beyond the 10 included, at $0.09
 */
export function browserMonthlyCost(browsers: number, hoursEach = MONTH_S / 3600): { hours: number; usd: number } {
  const hours = browsers * hoursEach;
  const usd =
    Math.max(0, hours - BROWSER_PRICES.hours.included) * BROWSER_PRICES.hours.usd +
    Math.max(0, browsers - BROWSER_PRICES.concurrency.included) * BROWSER_PRICES.concurrency.usd;
  return { hours: Math.round(hours), usd: Math.round(usd * 100) / 100 };
}

/** What the fetchers add on top of the table above, per month: none while every site is on direct. */
export function fetcherCostMarkdown(): string {
  const one = browserMonthlyCost(1);
  const both = browserMonthlyCost(2);
  return (
    `| fetcher | what it costs a month | how |\n| --- | --- | --- |\n` +
    `| direct (the default; this run) | $0 | the Worker's own fetch, in the lines above |\n` +
    `| relay | the operator's machine | a VPS or home server (relay/Dockerfile); the Worker's side is one subrequest per page, in the lines above |\n` +
    `| browser, one site | $${one.usd.toFixed(2)} | one kept browser: ${n(one.hours)} browser hours, ${BROWSER_PRICES.hours.included} included, $${BROWSER_PRICES.hours.usd} / hour beyond; 1 concurrent browser (${BROWSER_PRICES.concurrency.included} included) |\n` +
    `| browser, both sites | $${both.usd.toFixed(2)} | two kept browsers, ${n(both.hours)} browser hours |\n`
  );
}
