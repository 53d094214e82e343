import assert from "node:assert/strict";
import { test } from "node:test";
import type { FeedRequests } from "../sim/request-log.ts";
import { type DetectionInput, type PollerFigures, detection, pollerFiguresOf, targetLines } from "./detection.ts";
import { publishedListing } from "./published.test-helper.ts";

// A minute boundary, so whole minutes of the window are easy to see.
const T = 1_800_000_000_000 - (1_800_000_000_000 % 60_000);
const MINUTE = 60_000;

const listing = publishedListing;

/** A site's feed: requests by minute (offsets from T), and its polls (offset, empty). */
function feed(perMinute: Record<number, number>, polls: [number, boolean][] = []): FeedRequests {
  return {
    requests: Object.values(perMinute).reduce((a, b) => a + b, 0),
    perMinute: Object.fromEntries(Object.entries(perMinute).map(([m, n]) => [String(T + Number(m) * MINUTE), n])),
    polls: polls.length,
    emptyPolls: polls.filter(([, e]) => e).length,
    pollLog: polls.map(([at, empty]) => ({ at: T + at, empty })),
  };
}

const poller = (key: string, over: Partial<PollerFigures> = {}): PollerFigures => ({ key, polls: 0, emptyPolls: 0, d1RowsWrittenOnEmptyPolls: 0, lastPollAt: null, ...over });

function input(over: Partial<DetectionInput> = {}): DetectionInput {
  return {
    published: [],
    listings: [],
    publishedToAccepted: { olx: [], otodom: [] },
    siteFeeds: { olx: {}, otodom: {} },
    pollers: null,
    from: T,
    to: T + 10 * MINUTE,
    budgets: { olx: 30, otodom: 12 },
    lost: 0,
    duplicates: 0,
    ...over,
  };
}

test("detection per listing is D1's first_seen_at minus D1's published_at, per site; a listing D1 never stored is counted apart", () => {
  const published = [listing("olx", 1, T), listing("olx", 2, T), listing("olx", 3, T), listing("otodom", 4, T), listing("otodom", 5, T)];
  const r = detection(input({
    published,
    listings: [
      // D1's published_at, not the fake's: what the parser read is what the product measures.
      { source: "olx", external_id: "1", published_at: T + 1_000, first_seen_at: T + 2_000 },
      { source: "olx", external_id: "2", published_at: T, first_seen_at: T + 3_000 },
      { source: "otodom", external_id: "4", published_at: T, first_seen_at: T + 9_000 },
      { source: "otodom", external_id: "5", published_at: null, first_seen_at: T + 1 },
      // Stored but not published in the window (the baseline): not detection.
      { source: "olx", external_id: "99", published_at: T - MINUTE, first_seen_at: T },
    ],
  }));
  assert.deepEqual(r.detect_ms_by_source.olx, { n: 2, p50: 1_000, p95: 3_000, max: 3_000 });
  assert.deepEqual(r.detect_ms_by_source.otodom, { n: 1, p50: 9_000, p95: 9_000, max: 9_000 });
  assert.deepEqual(r.not_stored_by_source, { olx: 1, otodom: 0 });
  assert.equal(r.detect_p50_ms, 3_000);
  assert.equal(r.detect_p95_ms, 9_000);
});

test("requests a minute are each site's over the window's whole minutes, all its feeds together: mean and busiest minute", () => {
  const r = detection(input({
    // The window starts half-way through minute 0 and ends half-way through minute 3: minutes 1 and 2 count.
    from: T + MINUTE / 2,
    to: T + 3 * MINUTE + MINUTE / 2,
    siteFeeds: {
      olx: { "olx:sale:flat:pl": feed({ 0: 100, 1: 14, 2: 16, 3: 100 }), "olx:rent:flat:pl": feed({ 1: 15, 2: 15 }) },
      otodom: {},
    },
  }));
  assert.deepEqual(r.requests_per_min_by_source, { olx: 30, otodom: 0 });
  assert.deepEqual(r.requests_per_min_max_by_source, { olx: 31, otodom: 0 });
  const budget = r.targets.find((t) => t.target.startsWith("OLX requests"));
  assert.deepEqual(budget, { target: "OLX requests per minute ≤ 30 (OLX_REQUESTS_PER_MIN)", value: "mean 30, busiest minute 31", met: false });
});

test("polls as the sites saw them agree with the pollers' own counts up to the pollers' last poll, give or take the one in flight", () => {
  const siteFeeds: DetectionInput["siteFeeds"] = {
    olx: { "olx:sale:flat:pl": feed({}, [[0, false], [2_000, true], [4_000, true], [6_000, false], [8_000, true]]) },
    otodom: { "otodom:sale:flat:pl": feed({}, [[0, false], [5_000, true]]) },
  };
  // The OLX poller's figures were copied after its poll at 6 s began: the site's poll at 8 s is not in them.
  const agreeing = detection(input({
    siteFeeds,
    pollers: [poller("olx:sale:flat:pl", { polls: 4, emptyPolls: 2, lastPollAt: T + 6_000 - 20 }), poller("otodom:sale:flat:pl", { polls: 2, emptyPolls: 1, lastPollAt: T + 5_000 })],
  }));
  assert.deepEqual(agreeing.polls, { site: { olx: 4, otodom: 2 }, pollers: { olx: 4, otodom: 2 }, agree: true });
  assert.deepEqual(agreeing.empty_polls, { site: { olx: 2, otodom: 1 }, pollers: { olx: 2, otodom: 1 }, agree: true });
  assert.deepEqual(agreeing.polls_by_feed["olx:sale:flat:pl"], { site_polls: 4, site_empty: 2, poller_polls: 4, poller_empty: 2 });

  // A poller that calls two of the site's non-empty polls empty does not agree.
  const disagreeing = detection(input({ siteFeeds, pollers: [poller("olx:sale:flat:pl", { polls: 5, emptyPolls: 5, lastPollAt: T + 8_000 }), poller("otodom:sale:flat:pl", { polls: 2, emptyPolls: 1 })] }));
  assert.equal(disagreeing.empty_polls.agree, false);

  // No pollers' figures (D1 before FeedPoller): the sites' counts alone.
  const alone = detection(input({ siteFeeds }));
  assert.deepEqual(alone.polls, { site: { olx: 5, otodom: 2 }, pollers: null, agree: null });
});

test("D1 rows per empty poll come from the pollers' figures; the target is met only at zero", () => {
  const none = detection(input({ pollers: [poller("olx:sale:flat:pl", { emptyPolls: 10 }), poller("olx:rent:flat:pl", { emptyPolls: 10 })] }));
  assert.equal(none.d1_rows_written_per_empty_poll, 0);
  assert.equal(none.targets.find((t) => t.target.startsWith("D1 rows"))?.met, true);
  const some = detection(input({ pollers: [poller("olx:sale:flat:pl", { emptyPolls: 4, d1RowsWrittenOnEmptyPolls: 2 })] }));
  assert.equal(some.d1_rows_written_per_empty_poll, 0.5);
  assert.equal(some.targets.find((t) => t.target.startsWith("D1 rows"))?.met, false);
  assert.equal(detection(input()).d1_rows_written_per_empty_poll, null);
});

test("targets: detection and published → accepted against the issue's numbers, an unknown budget said so, lost and duplicates", () => {
  const r = detection(input({
    published: [listing("olx", 1, T), listing("otodom", 2, T)],
    listings: [
      { source: "olx", external_id: "1", published_at: T, first_seen_at: T + 2_500 },
      { source: "otodom", external_id: "2", published_at: T, first_seen_at: T + 21_000 },
    ],
    publishedToAccepted: { olx: [4_000, 12_000], otodom: [30_000] },
    budgets: { olx: 30, otodom: null },
    duplicates: 1,
  }));
  const met = Object.fromEntries(r.targets.map((t) => [t.target, t.met]));
  assert.equal(met["OLX detection p50 ≤ 3 s"], true);
  assert.equal(met["OLX detection p95 ≤ 8 s"], true);
  assert.equal(met["Otodom detection p95 ≤ 20 s"], false);
  assert.equal(met["OLX published → Telegram accepted p95 ≤ 10 s"], false);
  assert.equal(met["0 lost"], true);
  assert.equal(met["0 duplicated"], false);
  const otodomBudget = r.targets.find((t) => t.target.startsWith("Otodom requests"));
  assert.equal(otodomBudget?.met, null);
  assert.match(otodomBudget?.value ?? "", /budget unknown/);
  const lines = targetLines(r.targets);
  assert.match(lines.find((l) => l.includes("Otodom detection p95")) ?? "", /^MISSED .* 21\.0 s$/);
  assert.match(lines.find((l) => l.includes("Otodom requests")) ?? "", /^ {2}\? {2}/);
});

test("the pollers' figures are read from feeds.stats JSON; rows without them, or that do not read, are left out", () => {
  const stats = JSON.stringify({ key: "olx:rent:flat:pl", since: T, polls: 7, emptyPolls: 5, requests: 8, d1RowsWrittenOnEmptyPolls: 0, lastPollAt: T + 1 });
  assert.deepEqual(pollerFiguresOf([stats, null, undefined, "{", JSON.stringify({ polls: 1 })]), [
    { key: "olx:rent:flat:pl", polls: 7, emptyPolls: 5, d1RowsWrittenOnEmptyPolls: 0, lastPollAt: T + 1 },
  ]);
  assert.equal(pollerFiguresOf([null, undefined]), null);
});
