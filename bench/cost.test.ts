import assert from "node:assert/strict";
import { test } from "node:test";
import { MONTH_S, PRICES, type RunUsage, browserMonthlyCost, costMarkdown, estimateMonthlyCost, fetcherCostMarkdown } from "./cost.ts";

const none: RunUsage = {
  requests: 0, cpu: 0, d1Read: 0, d1Written: 0, queueOps: 0, doRequests: 0,
  doDuration: 0, doRowsRead: 0, doRowsWritten: 0, dataPoints: 0, logEvents: 0,
};

test("a load inside every allowance costs the plan's $5", () => {
  const c = estimateMonthlyCost({ ...none, requests: 100, d1Written: 1_000 }, MONTH_S, 43_830);
  assert.equal(c.total_usd, 5);
  assert.equal(c.scale, 1);
  assert.equal(c.lines.find((l) => l.item === "requests")?.monthly, 100 + 43_830);
});

test("usage is scaled from the run's production time to a month, and only what exceeds the allowance is priced", () => {
  // One hour of production time: ×730.5 to a month. 100 000 rows written an hour: 73.05 M a month, 23.05 M beyond the 50 M.
  const c = estimateMonthlyCost({ ...none, d1Written: 100_000 }, 3_600, 0);
  const line = c.lines.find((l) => l.item === "d1Written");
  assert.equal(line?.monthly, 73_050_000);
  assert.equal(line?.usd, Math.round(23.05 * PRICES.d1Written.usd * 100) / 100);
  assert.equal(c.total_usd, Math.round((5 + (line?.usd ?? 0)) * 100) / 100);
});

test("Durable Object duration is priced per million GB-s beyond 400 000", () => {
  const c = estimateMonthlyCost({ ...none, doDuration: 1_400_000 }, MONTH_S, 0);
  assert.equal(c.lines.find((l) => l.item === "doDuration")?.usd, 12.5);
});

test("a share that ran on the real clock (the FeedPollers) is scaled by its own wall time, shown under its line, and not priced again", () => {
  // The run stands for half a month of production; the pollers ran a quarter month of wall time.
  const c = estimateMonthlyCost({ ...none, doRequests: 2_000_000 }, MONTH_S / 2, 0, { label: "FeedPollers", usage: { doRequests: 1_500_000 }, seconds: MONTH_S / 4 });
  const line = c.lines.find((l) => l.item === "doRequests");
  assert.deepEqual(line?.parts, [{ label: "FeedPollers", measured: 1_500_000, monthly: 6_000_000 }]);
  // 0.5 M × 2 + 1.5 M × 4 = 7 M a month, 6 M beyond the included 1 M, all of it in the line.
  assert.equal(line?.monthly, 7_000_000);
  assert.equal(line?.usd, 0.9);
  assert.equal(c.total_usd, 5.9);
  assert.match(costMarkdown(c, ""), /\| ↳ of which FeedPollers \| requests \(RPC calls, alarms\) \| 1\.5 M \| 6 M \| \| \| \(in the line above\) \|/);
});

test("the browser fetcher's month: a kept browser runs all month, priced beyond the 10 included hours and 10 concurrent browsers", () => {
  // 2 629 800 s = 730.5 h; 720.5 beyond at $0.09.
  assert.deepEqual(browserMonthlyCost(1), { hours: 731, usd: 64.85 });
  assert.deepEqual(browserMonthlyCost(1, 8), { hours: 8, usd: 0 });
  // 12 browsers: 12 × 730.5 - 10 h at $0.09, and 2 concurrent beyond the 10 at $2.
  assert.equal(browserMonthlyCost(12).usd, Math.round(((12 * 730.5 - 10) * 0.09 + 4) * 100) / 100);
  assert.match(fetcherCostMarkdown(), /\| browser, one site \| \$64\.85 \|/);
});
