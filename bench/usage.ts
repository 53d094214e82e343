/**
 * From what bench/worker.ts counted (and the CPU the local runtime used) to
 * the usage Cloudflare bills, for bench/cost.ts. Pure: the CPU time is
 * measured in bench/run.ts.
 */
import type { RunUsage } from "./cost.ts";
import type { BenchCounts } from "./worker.ts";

/** Cloudflare bills a Durable Object's duration at 128 MB, in GB-s. */
const DO_GB = 128 / 1024;

/** `after - before`, number by number, for counts of the same shape. */
export function diffCounts<T>(before: T, after: T): T {
  if (typeof after === "number") return ((after as number) - ((before as number | undefined) ?? 0)) as T;
  if (after === null || typeof after !== "object") return after;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) out[k] = diffCounts((before as Record<string, unknown> | undefined)?.[k], v);
  return out as T;
}

/** D1 totals over the stages. */
export function d1Totals(c: BenchCounts) {
  const stages = Object.values(c.d1);
  const sum = (k: keyof (typeof stages)[number]) => stages.reduce((s, t) => s + t[k], 0);
  return { statements: sum("statements"), roundTrips: sum("roundTrips"), rowsRead: sum("rowsRead"), rowsWritten: sum("rowsWritten"), unmetered: sum("unmetered") };
}

/** A Durable Object class's billed quantities: requests (calls and alarms), GB-s, SQLite rows. */
function durableUsage(t: BenchCounts["durable"]["notifier"]): Pick<RunUsage, "doRequests" | "doDuration" | "doRowsRead" | "doRowsWritten"> {
  return { doRequests: t.calls + t.alarms, doDuration: (t.ms / 1000) * DO_GB, doRowsRead: t.rowsRead, doRowsWritten: t.rowsWritten };
}

/**
 * The FeedPollers' per-poll share of the Durable Object lines: a poll's
 * alarm (a request and its setAlarm row) and its wall time. The pollers poll
 * at production's pace whatever the run's compression, so this share is
 * scaled by wall time; what they do per new listing (seen-set rows, D1) grows
 * with the compressed publication and is scaled with the rest.
 */
export function pollerUsage(c: BenchCounts): Partial<RunUsage> {
  const { doRequests, doDuration } = durableUsage(c.durable.poller);
  return { doRequests, doDuration, doRowsWritten: c.durable.poller.alarms };
}

/** The billed quantities of a run's window. `cpuMs`: the runtime's CPU time (an upper bound of the Worker's own). */
export function usageOf(c: BenchCounts, cpuMs: number): RunUsage {
  const d1 = d1Totals(c);
  const notifier = durableUsage(c.durable.notifier);
  const poller = durableUsage(c.durable.poller);
  const scheduler = durableUsage(c.durable.scheduler);
  return {
    // Cron invocations are priced at production's once a minute instead (estimateMonthlyCost).
    requests: c.invocations.queueBatches + c.invocations.fetch,
    cpu: cpuMs,
    d1Read: d1.rowsRead,
    d1Written: d1.rowsWritten,
    // One write, one read, one delete per message under 64 KB.
    queueOps: 3 * c.invocations.queueMessages,
    doRequests: notifier.doRequests + poller.doRequests + scheduler.doRequests,
    doDuration: notifier.doDuration + poller.doDuration + scheduler.doDuration,
    doRowsRead: notifier.doRowsRead + poller.doRowsRead + scheduler.doRowsRead,
    doRowsWritten: notifier.doRowsWritten + poller.doRowsWritten + scheduler.doRowsWritten,
    dataPoints: c.dataPoints,
    logEvents: c.logLines,
  };
}
