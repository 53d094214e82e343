/**
 * Turning a run's measurements into the result object, a text table, a
 * markdown table and an SVG scatter of end-to-end latency over time. Pure:
 * no clock, no files.
 */
import { BULK_FANOUT } from "../src/model/dispatch.ts";
import type { CostEstimate } from "./cost.ts";
import type { DetectionFigures } from "./detection.ts";

/** Nearest-rank percentile of unsorted values; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return Math.round(sorted[rank - 1] as number);
}

export interface Distribution {
  n: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export function distribution(values: readonly number[]): Distribution {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length ? Math.round(Math.max(...values)) : null,
  };
}

/** Most events in any window of `windowMs` (sliding, anchored on events). */
export function busiestWindow(times: readonly number[], windowMs: number): { count: number; startsAt: number | null } {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let startsAt: number | null = null;
  let j = 0;
  for (let i = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= windowMs) j++;
    if (i - j + 1 > best) {
      best = i - j + 1;
      startsAt = sorted[j] as number;
    }
  }
  return { count: best, startsAt };
}

/** The stages a notification goes through, in order; the keys of stage_p95_ms. */
export const STAGES = [
  ["detect", "published → first seen (feed interval + fetch)"],
  ["enqueue", "first seen → enqueued (upsert, queue send)"],
  ["filter", "enqueued → matched (queue batch wait + match + record)"],
  ["handoff", "matched → handed to the user's Notifier (RPC)"],
  ["send", "handed → Telegram accepted (alarm, pacing, budget, send)"],
] as const;
export type Stage = (typeof STAGES)[number][0];

/** The run's result: the last line of its output, as JSON. Detection's fields (bench/detection.ts) come after the e2e ones. */
export interface BenchResult extends DetectionFigures {
  preset: string;
  seed: number;
  users: number;
  searches: number;
  feeds: number;
  listings: number;
  /** (chat, flat) pairs the seeded searches call for: one message per flat, however many ads it has. */
  expected: number;
  delivered: number;
  lost: number;
  /** Cards of a flat a chat already had a card of: a copy, or a repost or cross-post sent as new. */
  duplicates: number;
  /** Delivered (chat, flat) pairs that no seeded search matches. */
  unexpected: number;
  /** D1 notifications with status 'merged': a later ad of a flat the chat had, sent as no new card. */
  reposts_merged: number;
  /** (chat, flat) pairs due a 📉 reply: the flat got at least 3 % cheaper than the chat was told. */
  price_drops_expected: number;
  /** 📉 replies the user chats got. */
  price_drops_sent: number;
  http_429: number;
  /** Of those, refused by the per-chat limit (the rest by the bot's 30/s). */
  http_429_per_chat: number;
  telegram_errors: number;
  /** Sends retried after a network error or timeout (where Telegram may have taken the first try). */
  telegram_network_retries: number;
  admin_alerts: number;
  messages: number;
  digest_messages: number;
  /** first_seen → accepted. */
  e2e_p50_ms: number | null;
  e2e_p95_ms: number | null;
  e2e_p99_ms: number | null;
  /** published → accepted. */
  published_e2e_p50_ms: number | null;
  published_e2e_p95_ms: number | null;
  published_e2e_p99_ms: number | null;
  stage_p95_ms: Record<Stage, number | null>;
  stage_p50_ms: Record<Stage, number | null>;
  /** Messages accepted per second in the busiest 5 s window (ceiling: 30, or one per user when fewer). */
  backlog_msgs_per_s: number;
  /** Most messages accepted in any 1 s window. */
  peak_msgs_in_1s: number;
  d1_queries_per_listing: number | null;
  d1_round_trips_per_listing: number | null;
  d1_statements_by_stage: Record<string, number> | null;
  /** Notifications rows in D1 by status at the end. */
  d1_notifications_by_status: Record<string, number>;
  /** Search pages the fakes served from publication start to drained (the cron's fetches). */
  feed_fetches: number;
  /** Median time between two page requests a fake site got: the feed interval actually achieved. */
  feed_fetch_gap_p50_ms: Record<string, number | null>;
  publish_s: number;
  drain_s: number;
  wall_s: number;
  feed_interval_s: number;
  /** Latency by thirds of the publication period (what --soak looks at). */
  drift: Drift;
  /** Where time and CPU went: CPU of the whole local runtime, wall time inside the filter and the Notifiers, D1 rows. */
  time_per_stage: {
    workerd_cpu_ms: number | null;
    workerd_cpu_ms_per_listing: number | null;
    workerd_cpu_ms_per_message: number | null;
    filter_wall_ms_per_batch: number | null;
    filter_batches: number;
    notifier_wall_ms_per_call: number | null;
    notifier_calls: number;
    notifier_alarms: number;
    scheduler_calls: number;
    scheduler_alarms: number;
    /** SQLite rows written per user message: the Notifiers', and the SendScheduler's. */
    notifier_rows_written_per_message: number | null;
    scheduler_rows_written_per_message: number | null;
    /** Notifier and SendScheduler requests (RPC calls and alarms) per user message. */
    do_requests_per_message: number | null;
    /** Notifiers whose SQLite rows could not be counted: the DO rows are that much too low. */
    notifiers_uncounted: number;
    poller_wall_ms_per_call: number | null;
    poller_calls: number;
    poller_alarms: number;
    d1_rows_read: number;
    d1_rows_written: number;
    d1_unmetered_statements: number;
    d1_rows_by_stage: Record<string, { read: number; written: number }>;
  } | null;
  /** Estimated USD per month on Cloudflare at this load (bench/cost.ts). */
  cost_usd_per_month: number | null;
  cost: (CostEstimate & { production_hours: number }) | null;
  /** The one listing that matches many users (--large): its messages, timed from its publication. */
  /** Published → accepted p95 of the other listings' messages accepted while the burst's went out. */
  steady_during_burst_p95_ms: number | null;
  /** The same for listings in the scheduler's steady lane only (at most BULK_FANOUT chats a listing). */
  steady_lane_during_burst_p95_ms: number | null;
  /** Every user message a second while the burst's went out (Telegram's ceiling: 30). */
  burst_msgs_per_s: number | null;
  burst: {
    users: number;
    delivered: number;
    first_ms: number | null;
    p50_ms: number | null;
    p95_ms: number | null;
    last_ms: number | null;
    /** The burst's own messages a second. */
    msgs_per_s: number | null;
    /** All user messages a second while it drained. */
    all_msgs_per_s: number | null;
    steady_during: { n: number; p50_ms: number | null; p95_ms: number | null; seen_p95_ms: number | null };
    /**
     * Of steady_during, the listings that went to at most BULK_FANOUT chats: the scheduler's steady
     * lane (src/durable/send-line.ts). Larger fan-outs wait in the bulk lane beside the burst.
     */
    steady_lane_during: { n: number; p50_ms: number | null; p95_ms: number | null };
    steady_outside: { n: number; p95_ms: number | null };
  } | null;
  ok: boolean;
  failures: string[];
}

const fmt = (v: number | null | undefined, unit = "") => (v === null || v === undefined ? "—" : `${v.toLocaleString("en-US")}${unit}`);

/** Rows of [label, value] for the text and markdown tables. */
function rows(r: BenchResult, dists: { e2e: Distribution; published: Distribution; stages: Record<Stage, Distribution> }): [string, string][] {
  const out: [string, string][] = [
    ["preset / seed", `${r.preset} / ${r.seed}`],
    ["users / searches / feeds", `${r.users} / ${r.searches} / ${r.feeds}`],
    ["new listings published", fmt(r.listings)],
    ["expected notifications", fmt(r.expected)],
    ["delivered", fmt(r.delivered)],
    ["lost", fmt(r.lost)],
    ["duplicates", fmt(r.duplicates)],
    ["unexpected (matched nothing seeded)", fmt(r.unexpected)],
    ["later ads merged into a flat's first message (D1 'merged')", fmt(r.reposts_merged)],
    ["price drops replied (📉) / due", `${fmt(r.price_drops_sent)} / ${fmt(r.price_drops_expected)}`],
    ["HTTP 429 from Telegram (per-chat limit / bot's 30/s)", `${fmt(r.http_429)} (${fmt(r.http_429_per_chat)} / ${fmt(r.http_429 - r.http_429_per_chat)})`],
    ["other Telegram errors / admin alerts / sends retried after a network error or timeout", `${r.telegram_errors} / ${r.admin_alerts} / ${r.telegram_network_retries}`],
    ["messages (of which digests)", `${r.messages} (${r.digest_messages})`],
    ["e2e first seen → accepted p50 / p95 / p99", `${fmt(r.e2e_p50_ms)} / ${fmt(r.e2e_p95_ms)} / ${fmt(r.e2e_p99_ms)} ms (max ${fmt(dists.e2e.max)})`],
    [
      "e2e published → accepted p50 / p95 / p99",
      `${fmt(r.published_e2e_p50_ms)} / ${fmt(r.published_e2e_p95_ms)} / ${fmt(r.published_e2e_p99_ms)} ms (max ${fmt(dists.published.max)})`,
    ],
  ];
  for (const [stage, label] of STAGES) {
    const d = dists.stages[stage];
    out.push([`stage ${stage}: ${label}`, `p50 ${fmt(d.p50)} / p95 ${fmt(d.p95)} / max ${fmt(d.max)} ms (n=${d.n})`]);
  }
  const bySite = <T>(f: (s: "olx" | "otodom") => T) => `OLX ${f("olx")} · Otodom ${f("otodom")}`;
  const spread = (x: { p50: number | null; p95: number | null; n: number }) => `${fmt(x.p50)} / ${fmt(x.p95)} ms (n=${x.n})`;
  const polls = (p: BenchResult["polls"]) => `sites ${p.site.olx + p.site.otodom}${p.pollers ? `, pollers ${p.pollers.olx + p.pollers.otodom}` : ", pollers —"}`;
  out.push(
    ["detect per listing (D1 first_seen_at − published_at) p50 / p95", `${bySite((s) => spread(r.detect_ms_by_source[s]))}; not stored ${bySite((s) => r.not_stored_by_source[s])}`],
    ["published → accepted p50 / p95 by site", bySite((s) => spread(r.published_e2e_by_source[s]))],
    ["requests per minute at the sites, mean / busiest minute", bySite((s) => `${fmt(r.requests_per_min_by_source[s])} / ${fmt(r.requests_per_min_max_by_source[s])}`)],
    [
      "polls / empty polls (as the sites saw them, as the pollers counted them)",
      `${polls(r.polls)} / ${polls(r.empty_polls)}; ${r.polls.agree === null ? "no pollers' figures" : r.polls.agree ? "they agree" : "they DISAGREE"}`,
    ],
    ["D1 rows written per empty poll (pollers' own count)", fmt(r.d1_rows_written_per_empty_poll)],
  );
  out.push(
    [
      "delivered msg/s, busiest 5 s",
      `${r.backlog_msgs_per_s} (peak ${r.peak_msgs_in_1s} in 1 s; ceiling ${Math.min(30, r.users)}: 30/s in total, 1/s per chat)`,
    ],
    [
      "D1 statements / round trips per new listing",
      r.d1_queries_per_listing === null ? "not measured" : `${r.d1_queries_per_listing} / ${r.d1_round_trips_per_listing}`,
    ],
    [
      "CPU (whole local workerd) / per listing / per message",
      r.time_per_stage ? `${fmt(r.time_per_stage.workerd_cpu_ms)} ms / ${fmt(r.time_per_stage.workerd_cpu_ms_per_listing)} ms / ${fmt(r.time_per_stage.workerd_cpu_ms_per_message)} ms` : "—",
    ],
    [
      "Durable Objects per message: SQLite rows written (Notifier + SendScheduler) / requests",
      r.time_per_stage
        ? `${fmt(r.time_per_stage.notifier_rows_written_per_message)} + ${fmt(r.time_per_stage.scheduler_rows_written_per_message)} / ${fmt(r.time_per_stage.do_requests_per_message)}`
        : "—",
    ],
    [
      "wall: filter per queue batch / Notifier per call or alarm",
      r.time_per_stage
        ? `${fmt(r.time_per_stage.filter_wall_ms_per_batch)} ms (${r.time_per_stage.filter_batches} batches) / ${fmt(r.time_per_stage.notifier_wall_ms_per_call)} ms (${r.time_per_stage.notifier_calls} calls, ${r.time_per_stage.notifier_alarms} alarms; SendScheduler ${r.time_per_stage.scheduler_calls} calls, ${r.time_per_stage.scheduler_alarms} alarms` +
          `${r.time_per_stage.notifiers_uncounted ? `; ${r.time_per_stage.notifiers_uncounted} Notifiers' storage rows NOT counted` : ""})`
        : "—",
    ],
    [
      "wall: FeedPoller per call or alarm",
      r.time_per_stage ? `${fmt(r.time_per_stage.poller_wall_ms_per_call)} ms (${r.time_per_stage.poller_calls} calls, ${r.time_per_stage.poller_alarms} alarms)` : "—",
    ],
    [
      "D1 rows read / written (unmetered statements)",
      r.time_per_stage
        ? `${fmt(r.time_per_stage.d1_rows_read)} / ${fmt(r.time_per_stage.d1_rows_written)} (${r.time_per_stage.d1_unmetered_statements}); ` +
          Object.entries(r.time_per_stage.d1_rows_by_stage).map(([k, v]) => `${k} ${fmt(v.read)} / ${fmt(v.written)}`).join(", ")
        : "—",
    ],
    ["estimated cost on Cloudflare, USD per month", r.cost_usd_per_month === null ? "—" : `$${r.cost_usd_per_month.toFixed(2)} (table below)`],
    ["D1 statements by stage", r.d1_statements_by_stage ? Object.entries(r.d1_statements_by_stage).map(([k, v]) => `${k} ${v}`).join(", ") : "—"],
    [
      "feed page fetches (publication + drain), median gap",
      `${fmt(r.feed_fetches)}, ${Object.entries(r.feed_fetch_gap_p50_ms).map(([k, v]) => `${k} ${fmt(v)} ms`).join(", ")}`,
    ],
    ["notifications in D1 by status", Object.entries(r.d1_notifications_by_status).map(([k, v]) => `${k} ${v}`).join(", ") || "—"],
    ["publish / drain / whole run", `${r.publish_s} s / ${r.drain_s} s / ${r.wall_s} s (FEED_INTERVAL_S=${r.feed_interval_s})`],
    [
      "published → accepted p95 by third of the run (drift)",
      `${r.drift.thirds.map((t) => `${t.from_s}–${t.to_s} s: ${fmt(t.p95_ms)} ms (n=${t.n})`).join(" · ")}; ${r.drift.growing ? "GROWING" : "steady"}`,
    ],
    [
      "burst: one listing, many users (published → accepted)",
      r.burst
        ? `${r.burst.delivered} of ${r.burst.users} users; first ${fmt(r.burst.first_ms)} ms, median ${fmt(r.burst.p50_ms)} ms, p95 ${fmt(r.burst.p95_ms)} ms, last ${fmt(r.burst.last_ms)} ms; ${fmt(r.burst.msgs_per_s)} msg/s of its own, ${fmt(r.burst.all_msgs_per_s)} msg/s in all`
        : "—",
    ],
    [
      "steady users while the burst drained (published → accepted; first seen → accepted)",
      r.burst
        ? `${r.burst.steady_during.n} messages: p50 ${fmt(r.burst.steady_during.p50_ms)} ms, p95 ${fmt(r.burst.steady_during.p95_ms)} ms; ` +
          `first seen → accepted p95 ${fmt(r.burst.steady_during.seen_p95_ms)} ms (outside the burst: p95 ${fmt(r.burst.steady_outside.p95_ms)} ms, n ${r.burst.steady_outside.n}); ` +
          `of them in the steady lane (≤ ${BULK_FANOUT} chats a listing): ${r.burst.steady_lane_during.n}, p50 ${fmt(r.burst.steady_lane_during.p50_ms)} ms, p95 ${fmt(r.burst.steady_lane_during.p95_ms)} ms`
        : "—",
    ],
    ["result", r.ok ? "OK" : `FAILED: ${r.failures.join("; ")}`],
  );
  return out;
}

export function textTable(r: BenchResult, dists: Parameters<typeof rows>[1]): string {
  const all = rows(r, dists);
  const width = Math.max(...all.map(([k]) => k.length));
  return all.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}

export function markdownTable(r: BenchResult, dists: Parameters<typeof rows>[1], header: string): string {
  const body = rows(r, dists)
    .map(([k, v]) => `| ${k.replace(/\|/g, "\\|")} | ${v.replace(/\|/g, "\\|")} |`)
    .join("\n");
  return `${header}\n\n| measure | value |\n| --- | --- |\n${body}\n`;
}

/** Latency in each third of the publication period: a later third slower than the first is drift. */
export interface Drift {
  thirds: { from_s: number; to_s: number; n: number; p50_ms: number | null; p95_ms: number | null }[];
  /** Last third's p95 minus the first's (ms). */
  p95_growth_ms: number | null;
  /** p95 grew by more than a quarter and a second: something accumulates. */
  growing: boolean;
}

/** Splits delivered points by when they were accepted into thirds of the publication period. */
export function drift(points: readonly Point[], publishMs: number): Drift {
  const third = publishMs / 3;
  const thirds = [0, 1, 2].map((i) => {
    const ms = points.filter((p) => p.t >= i * third && (i === 2 ? true : p.t < (i + 1) * third)).map((p) => p.ms);
    const d = distribution(ms);
    return { from_s: Math.round((i * third) / 1000), to_s: Math.round(((i + 1) * third) / 1000), n: ms.length, p50_ms: d.p50, p95_ms: d.p95 };
  });
  const first = thirds[0]?.p95_ms ?? null;
  const last = thirds[2]?.p95_ms ?? null;
  const growth = first !== null && last !== null ? last - first : null;
  return { thirds, p95_growth_ms: growth, growing: growth !== null && first !== null && growth > first * 0.25 + 1000 };
}

export interface Point {
  /** ms since publication started. */
  t: number;
  /** e2e ms. */
  ms: number;
  series: string;
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** An axis from 0 to at least `max` in 5 or fewer steps of 1, 2 or 5 times a power of ten. */
function axis(max: number): { max: number; step: number } {
  const rough = Math.max(max, 1) / 5;
  const p = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => rough <= m * p) ?? 10) * p;
  return { max: Math.ceil(max / step) * step || step, step };
}

/**
 * A scatter of e2e latency (y, ms) against the time Telegram accepted the
 * message (x, s since publication started), one colour per series, with the
 * p50 and p95 of the first series as dashed lines.
 */
export function scatterSvg(points: readonly Point[], title: string, lines: { label: string; ms: number | null }[]): string {
  const W = 860;
  const H = 420;
  const m = { left: 64, right: 130, top: 36, bottom: 46 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const xAxis = axis(Math.max(10, ...points.map((p) => p.t / 1000)));
  const yAxis = axis(Math.max(1000, ...points.map((p) => p.ms)));
  const xMax = xAxis.max * 1000;
  const yMax = yAxis.max;
  const x = (t: number) => m.left + (t / xMax) * pw;
  const y = (ms: number) => m.top + ph - (ms / yMax) * ph;
  const colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
  const seriesNames = [...new Set(points.map((p) => p.series))];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${m.left}" y="22" font-size="14" font-weight="600">${escapeXml(title)}</text>`,
  ];
  for (let ms = 0; ms <= yMax; ms += yAxis.step) {
    out.push(
      `<line x1="${m.left}" x2="${m.left + pw}" y1="${y(ms)}" y2="${y(ms)}" stroke="#eee"/>`,
      `<text x="${m.left - 6}" y="${y(ms) + 4}" text-anchor="end">${ms === 0 ? "0" : ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}</text>`,
    );
  }
  for (let t = 0; t <= xMax; t += xAxis.step * 1000) {
    out.push(
      `<line x1="${x(t)}" x2="${x(t)}" y1="${m.top}" y2="${m.top + ph}" stroke="#eee"/>`,
      `<text x="${x(t)}" y="${m.top + ph + 16}" text-anchor="middle">${Math.round(t / 1000)} s</text>`,
    );
  }
  out.push(
    `<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
    `<text x="${m.left + pw / 2}" y="${H - 8}" text-anchor="middle">accepted by Telegram, s after publication started</text>`,
    `<text transform="translate(14 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">end-to-end latency</text>`,
  );
  for (const p of points) {
    const c = colours[seriesNames.indexOf(p.series) % colours.length];
    out.push(`<circle cx="${x(p.t).toFixed(1)}" cy="${y(Math.min(p.ms, yMax)).toFixed(1)}" r="2.5" fill="${c}" fill-opacity="0.55"/>`);
  }
  lines.forEach((l, i) => {
    if (l.ms === null) return;
    out.push(
      `<line x1="${m.left}" x2="${m.left + pw}" y1="${y(l.ms)}" y2="${y(l.ms)}" stroke="#333" stroke-dasharray="${i === 0 ? "6 4" : "2 3"}"/>`,
    );
  });
  let ly = m.top + 8;
  seriesNames.forEach((s, i) => {
    out.push(
      `<circle cx="${m.left + pw + 16}" cy="${ly}" r="4" fill="${colours[i % colours.length]}"/>`,
      `<text x="${m.left + pw + 26}" y="${ly + 4}">${escapeXml(s)}</text>`,
    );
    ly += 18;
  });
  lines.forEach((l, i) => {
    if (l.ms === null) return;
    out.push(
      `<line x1="${m.left + pw + 8}" x2="${m.left + pw + 22}" y1="${ly}" y2="${ly}" stroke="#333" stroke-dasharray="${i === 0 ? "6 4" : "2 3"}"/>`,
      `<text x="${m.left + pw + 26}" y="${ly + 4}">${escapeXml(l.label)} ${l.ms} ms</text>`,
    );
    ly += 18;
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
