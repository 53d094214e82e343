import { raw } from "hono/html";
import { ICON_PATH } from "../favicon.ts";
import { usePageNonce } from "../page.tsx";
import type { FC } from "hono/jsx";
import { type FeedHealth, type Health, type Percentiles, STAGES, type StageName } from "../../db/health.ts";
import { lineChart } from "./svg.ts";

const STAGE_LABELS: Record<StageName, string> = {
  e2e: "end to end (published → Telegram accepted)",
  detection: "detection (published → first seen)",
  queue: "parse → queued",
  filter: "queued → matched",
  send: "matched → sent",
};

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:16px;max-width:60rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
th:first-child,td:first-child{text-align:left}.bad{color:#c0392b;font-weight:bold}`;

const seconds = (ms: number | null) => (ms === null ? "–" : (ms / 1000).toFixed(1));
const when = (ms: number | null, now: number) => (ms === null ? "never" : `${Math.round((now - ms) / 1000)} s ago`);

const Row: FC<{ label: string; p: Percentiles }> = ({ label, p }) => (
  <tr>
    <td>{label}</td>
    <td>{p.n}</td>
    <td>{seconds(p.p50)}</td>
    <td>{seconds(p.p95)}</td>
    <td>{seconds(p.p99)}</td>
  </tr>
);

const percent = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(1)} %` : "–");

/**
 * Where a site's running feeds stand: the fetchers they are on (each with
 * how many feeds) and the share of their polls the site refused.
 *
 * @example fetcherSummary(feeds, "olx") // "olx: relay (2 feeds) · blocked 1.5 % of polls (9 of 600)"
 */
export function fetcherSummary(feeds: readonly FeedHealth[], site: string): string {
  const running = feeds.filter((f) => f.active && f.source === site && f.stats);
  const on = new Map<string, number>();
  for (const f of running) on.set(f.stats?.fetcher ?? "direct", (on.get(f.stats?.fetcher ?? "direct") ?? 0) + 1);
  const polls = running.reduce((n, f) => n + (f.stats?.polls ?? 0), 0);
  const blocks = running.reduce((n, f) => n + (f.stats?.blocks ?? 0), 0);
  const fetchers = [...on].map(([name, n]) => `${name} (${n} feed${n === 1 ? "" : "s"})`).join(", ") || "no feed running";
  return `${site}: ${fetchers} · blocked ${percent(blocks, polls)} of polls (${blocks} of ${polls})`;
}

/** The operator's page: latency by stage, the e2e trend, backlogs, feeds, Telegram errors. */
export const AdminPage: FC<{ health: Health; budgets: Record<string, number>; csrf: string }> = ({ health: h, budgets, csrf }) => {
  const hourNow = Math.floor(h.now / 3_600_000);
  const chart = lineChart(
    [
      { name: "p50", color: "#2481cc", points: h.hourly.map((r) => ({ x: r.hour - hourNow, y: r.p50 / 1000 })) },
      { name: "p95", color: "#c0392b", points: h.hourly.map((r) => ({ x: r.hour - hourNow, y: r.p95 / 1000 })) },
    ],
    { title: "End-to-end latency per hour, last 24 h", xFrom: "−24 h", xTo: "now", yUnit: "s", xMin: -23, xMax: 0 },
  );
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>GetMeOne admin</title>
        <link rel="icon" href={ICON_PATH} type="image/svg+xml" />
        <style nonce={usePageNonce()}>{STYLE}</style>
      </head>
      <body>
        <h1>GetMeOne</h1>
        {(["hour", "day"] as const).map((win) => (
          <>
            <h2>Latency, last {win} (seconds)</h2>
            <table>
              <tr>
                <th>stage</th>
                <th>n</th>
                <th>p50</th>
                <th>p95</th>
                <th>p99</th>
              </tr>
              {STAGES.map((s) => (
                <Row label={STAGE_LABELS[s]} p={h.stages[win][s]} />
              ))}
            </table>
          </>
        ))}
        <h2>End to end, per hour</h2>
        <figure>{raw(chart)}</figure>
        <h2>Backlogs</h2>
        <table>
          <tr>
            <td>listings saved, not yet filtered</td>
            <td>{h.backlog.unfiltered}</td>
          </tr>
          <tr>
            <td>matched in the last day, not yet sent (handed over or waiting for it)</td>
            <td>{h.backlog.outbox}</td>
          </tr>
          <tr>
            <td>dead letters, not replayed</td>
            <td class={h.backlog.deadLetters ? "bad" : undefined}>{h.backlog.deadLetters}</td>
          </tr>
          <tr>
            <td>messages failed, last day</td>
            <td class={h.backlog.failedToday ? "bad" : undefined}>{h.backlog.failedToday}</td>
          </tr>
          <tr>
            <td>sends with an unknown outcome (timeout after the request left; the user may have a copy), last day</td>
            <td class={h.backlog.unknownToday ? "bad" : undefined}>{h.backlog.unknownToday}</td>
          </tr>
        </table>
        {h.backlog.deadLetters > 0 && (
          <form method="post" action="/admin/dead-letters/replay">
            <input type="hidden" name="csrf" value={csrf} />
            <button type="submit">Replay dead letters</button> (back on the new-listings queue; each listing still reaches each user once)
          </form>
        )}
        <h2>Feeds</h2>
        <p>
          Politeness budget (requests a minute, the whole bot):{" "}
          {Object.entries(budgets).map(([site, budget]) => {
            const shared = h.feeds.filter((f) => f.active && f.source === site).reduce((sum, f) => sum + f.sharePerMin, 0);
            return `${site} ${shared.toFixed(1)} of ${budget} shared out`;
          }).join(" · ")}
        </p>
        <p>
          Fetchers (OLX_FETCHERS, OTODOM_FETCHERS; a block moves a feed to the next):{" "}
          {Object.keys(budgets).map((site) => fetcherSummary(h.feeds, site)).join(" · ")}
        </p>
        <table>
          <tr>
            <th>feed</th>
            <th>searches</th>
            <th>share (req/min)</th>
            <th>req/min measured</th>
            <th>interval (s)</th>
            <th>polls (empty)</th>
            <th>pages beyond the first</th>
            <th>new listings</th>
            <th>in towns we do not know</th>
            <th>detection mean / max (s)</th>
            <th>D1 rows on empty polls</th>
            <th>last success</th>
            <th>error streak</th>
            <th>last error</th>
            <th>fetcher</th>
            <th>blocked polls</th>
          </tr>
          {h.feeds.map((f) => {
            const st = f.stats;
            const minutes = st ? Math.max(1, (h.now - st.since) / 60_000) : 1;
            return (
              <tr>
                <td>
                  {f.source} {f.deal} {f.property} {f.scope}
                  {f.active ? "" : " (stopped)"}
                </td>
                <td>{f.subscribers}</td>
                <td>{f.sharePerMin.toFixed(1)}</td>
                <td>{st ? (st.requests / minutes).toFixed(1) : "–"}</td>
                <td>{st ? seconds(st.intervalMs) : "–"}</td>
                <td>{st ? `${st.polls} (${st.emptyPolls})` : "–"}</td>
                <td>{st ? st.requests - st.polls : "–"}</td>
                <td>{st ? st.newListings : "–"}</td>
                <td>{st ? st.unknownCity : "–"}</td>
                <td>{st && st.newListings ? `${seconds(st.detectionMsSum / st.newListings)} / ${seconds(st.detectionMsMax)}` : "–"}</td>
                <td class={st?.d1RowsWrittenOnEmptyPolls ? "bad" : undefined}>{st ? st.d1RowsWrittenOnEmptyPolls : "–"}</td>
                <td>{when(st?.lastSuccessAt ?? null, h.now)}</td>
                <td class={st?.consecutiveFailures ? "bad" : undefined}>{st ? st.consecutiveFailures : "–"}</td>
                <td>
                  {st?.blockedUntil && st.blockedUntil > h.now ? `blocked until ${new Date(st.blockedUntil).toISOString()}; ` : ""}
                  {st?.lastError ?? ""}
                </td>
                <td>{st ? st.fetcher : "–"}</td>
                <td class={st?.blocks ? "bad" : undefined}>{st ? `${st.blocks} (${percent(st.blocks, st.polls)})` : "–"}</td>
              </tr>
            );
          })}
        </table>
        <h2>Telegram errors, last day</h2>
        <table>
          <tr>
            <th>code</th>
            <th>count</th>
          </tr>
          {h.telegramErrors.map((e) => (
            <tr>
              <td>{e.code ?? "network"}</td>
              <td>{e.count}</td>
            </tr>
          ))}
        </table>
      </body>
    </html>
  );
};

/** 401: the token form (or send `Authorization: Bearer <ADMIN_TOKEN>`). */
export const AdminLogin: FC = () => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <title>GetMeOne admin</title>
    </head>
    <body>
      <form method="post" action="/admin/login">
        <label for="token">Admin token</label> <input id="token" name="token" type="password" autocomplete="current-password" />{" "}
        <button type="submit">Sign in</button>
      </form>
    </body>
  </html>
);
