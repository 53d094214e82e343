/**
 * The benchmark's Worker entry: the real GetMeOne Worker (src/index.ts),
 * unchanged, with what it uses counted on the way through, for the bench's
 * D1 figures and its cost estimate (read from GET /__bench/counts):
 *
 * - D1: every call, through a counting wrapper around the real binding, per
 *   stage (cron, filter, notifier, other): statements, round trips, and the
 *   rows read and written D1 reports in each result's `meta`. `first()` and
 *   `raw()` return no meta: those statements are counted as unmetered. The
 *   FeedPoller's D1 work counts as the parser stage's ("cron"): it is the parser.
 * - Invocations: cron, queue batches and their messages, HTTP requests.
 * - Durable Objects, per class: the Notifier's and the FeedPoller's RPC calls
 *   and alarms with their wall time (the duration Cloudflare bills) and their
 *   SQLite rows (each cursor's rowsRead/rowsWritten, each KV call and setAlarm
 *   as a row); the same for the SendScheduler (its enlist calls and the
 *   alarm whose loop starts every send).
 * - Analytics Engine data points and log lines written.
 *
 * workerd runs this module once per isolate; locally the Worker's handlers and
 * its Durable Objects share one isolate, so one tally sees them all (the
 * benchmark checks that the notifier's column is not zero when messages went).
 */
import worker, { FeedPoller as RealFeedPoller, Notifier as RealNotifier, SendScheduler as RealSendScheduler } from "../src/index.ts";

type Stage = "cron" | "filter" | "notifier" | "other";
interface D1Tally {
  statements: number;
  roundTrips: number;
  rowsRead: number;
  rowsWritten: number;
  /** Statements whose result carries no meta (first, raw): their rows are not in rowsRead/rowsWritten. */
  unmetered: number;
}

/** One Durable Object class's use: RPC calls and alarms, the wall time inside them, SQLite rows. */
interface DurableTally {
  calls: number;
  alarms: number;
  ms: number;
  rowsRead: number;
  rowsWritten: number;
  /** Objects whose storage could not be patched (their rows are missing). */
  uncounted: number;
}

const d1Tally = (): D1Tally => ({ statements: 0, roundTrips: 0, rowsRead: 0, rowsWritten: 0, unmetered: 0 });
const durableTally = (): DurableTally => ({ calls: 0, alarms: 0, ms: 0, rowsRead: 0, rowsWritten: 0, uncounted: 0 });
const counts = {
  d1: { cron: d1Tally(), filter: d1Tally(), notifier: d1Tally(), other: d1Tally() } as Record<Stage, D1Tally>,
  /** queueMs: wall time inside the queue handler (the filter stage). */
  invocations: { scheduled: 0, queueBatches: 0, queueMessages: 0, queueMs: 0, fetch: 0 },
  durable: { notifier: durableTally(), poller: durableTally(), scheduler: durableTally() },
  dataPoints: 0,
  logLines: 0,
};

// Workers Logs bills each line the Worker writes.
for (const level of ["log", "warn", "error", "info", "debug"] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    counts.logLines++;
    original(...args);
  };
}

function meter(stage: Stage, result: unknown): void {
  const meta = (result as { meta?: { rows_read?: number; rows_written?: number } } | null)?.meta;
  if (meta && typeof meta.rows_read === "number") {
    counts.d1[stage].rowsRead += meta.rows_read;
    counts.d1[stage].rowsWritten += meta.rows_written ?? 0;
  } else {
    counts.d1[stage].unmetered++;
  }
}

const EXECUTE = new Set<PropertyKey>(["first", "run", "all", "raw"]);

/** A D1 binding that counts what goes through it. Statements handed to batch() are unwrapped first. */
function countingD1(db: D1Database, stage: Stage): D1Database {
  const tally = counts.d1[stage];
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (prop === "bind") return (...params: unknown[]) => wrap(target.bind(...params));
        if (EXECUTE.has(prop) && typeof value === "function") {
          return async (...args: unknown[]) => {
            tally.statements++;
            tally.roundTrips++;
            const result: unknown = await (value as (...a: unknown[]) => unknown).apply(target, args);
            meter(stage, prop === "run" || prop === "all" ? result : null);
            return result;
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    real.set(proxy, statement);
    return proxy;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (query: string) => wrap(target.prepare(query));
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          tally.statements += statements.length;
          tally.roundTrips++;
          const results = await target.batch(statements.map((s) => real.get(s) ?? s));
          for (const r of results) meter(stage, r);
          return results;
        };
      }
      if (prop === "exec") {
        return (query: string) => {
          tally.statements += Math.max(1, query.split(";").filter((q) => q.trim()).length);
          tally.roundTrips++;
          tally.unmetered++;
          return target.exec(query);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function countingMetrics(dataset: AnalyticsEngineDataset | undefined): AnalyticsEngineDataset {
  return {
    writeDataPoint(point) {
      counts.dataPoints++;
      dataset?.writeDataPoint(point);
    },
  };
}

function withCounting(env: Env, stage: Stage): Env {
  return { ...env, DB: countingD1(env.DB, stage), METRICS: countingMetrics(env.METRICS) };
}

/** Replaces `object[name]` by `wrap(original)`; false where the runtime's object refuses. */
function patch<T extends object>(object: T, name: keyof T & string, wrap: (original: (...a: unknown[]) => unknown) => (...a: unknown[]) => unknown): boolean {
  const original = (object[name] as (...a: unknown[]) => unknown).bind(object);
  try {
    Object.defineProperty(object, name, { value: wrap(original), configurable: true, writable: true });
    return object[name] !== original;
  } catch {
    return false;
  }
}

/** A cursor, as the storage API hands them out: its rows are known once it has been read. */
type Cursor = SqlStorageCursor<Record<string, SqlStorageValue>>;

/**
 * Counts a Durable Object's SQLite rows on its own storage objects (the
 * runtime wants the real DurableObjectState, so it is patched, not wrapped):
 * each cursor's rowsRead/rowsWritten once the call that made it is over (a
 * cursor counts as it is read), each KV call and setAlarm/deleteAlarm as one row.
 */
function countStorage(storage: DurableObjectStorage, tally: DurableTally, cursors: Cursor[]): boolean {
  const rowWritten = (original: (...a: unknown[]) => unknown) => (...args: unknown[]) => {
    tally.rowsWritten++;
    return original(...args);
  };
  return [
    patch(storage.sql, "exec", (original) => (...args: unknown[]) => {
      const cursor = original(...args) as Cursor;
      cursors.push(cursor);
      return cursor;
    }),
    patch(storage.kv, "get", (original) => (...args: unknown[]) => {
      tally.rowsRead++;
      return original(...args);
    }),
    patch(storage.kv, "put", rowWritten),
    patch(storage.kv, "delete", rowWritten),
    patch(storage, "setAlarm", rowWritten),
    patch(storage, "deleteAlarm", rowWritten),
  ].every(Boolean);
}

/** The storage cursors each counted object made during its current call. */
const cursorsOf = new WeakMap<object, Cursor[]>();

/** Patches the object's storage for counting; call from its constructor, before the real one. */
function counted(ctx: DurableObjectState, tally: DurableTally): Cursor[] {
  const cursors: Cursor[] = [];
  if (!countStorage(ctx.storage, tally, cursors)) tally.uncounted++;
  return cursors;
}

/** Runs one RPC call or alarm of a counted object: its wall time, and then the rows of the cursors it made. */
async function timed<T>(self: object, tally: DurableTally, alarm: boolean, call: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  try {
    return await call();
  } finally {
    tally.ms += Date.now() - started;
    if (alarm) tally.alarms++;
    else tally.calls++;
    for (const c of cursorsOf.get(self)?.splice(0) ?? []) {
      tally.rowsRead += c.rowsRead;
      tally.rowsWritten += c.rowsWritten;
    }
  }
}

/** The real Notifier, seeing the counting DB and storage; its calls and alarms timed. */
export class Notifier extends RealNotifier {
  constructor(ctx: DurableObjectState, env: Env) {
    const cursors = counted(ctx, counts.durable.notifier);
    super(ctx, withCounting(env, "notifier"));
    cursorsOf.set(this, cursors);
  }

  override deliver(...args: Parameters<RealNotifier["deliver"]>) {
    return timed(this, counts.durable.notifier, false, () => super.deliver(...args));
  }

  override sendNext(...args: Parameters<RealNotifier["sendNext"]>) {
    return timed(this, counts.durable.notifier, false, () => super.sendNext(...args));
  }

  override pause() {
    return timed(this, counts.durable.notifier, false, () => super.pause());
  }

  override dropSearches(...args: Parameters<RealNotifier["dropSearches"]>) {
    return timed(this, counts.durable.notifier, false, () => super.dropSearches(...args));
  }

  override updateRecipient(...args: Parameters<RealNotifier["updateRecipient"]>) {
    return timed(this, counts.durable.notifier, false, () => super.updateRecipient(...args));
  }

  override alarm() {
    return timed(this, counts.durable.notifier, true, () => super.alarm());
  }
}

/** The real FeedPoller, seeing the counting DB (its D1 work is the parser stage's: "cron") and storage; its calls and alarms timed. */
export class FeedPoller extends RealFeedPoller {
  constructor(ctx: DurableObjectState, env: Env) {
    const cursors = counted(ctx, counts.durable.poller);
    super(ctx, withCounting(env, "cron"));
    cursorsOf.set(this, cursors);
  }

  override configure(...args: Parameters<RealFeedPoller["configure"]>) {
    return timed(this, counts.durable.poller, false, () => super.configure(...args));
  }

  override stop() {
    return timed(this, counts.durable.poller, false, () => super.stop());
  }

  override stats() {
    return timed(this, counts.durable.poller, false, () => super.stats());
  }

  override alarm() {
    return timed(this, counts.durable.poller, true, () => super.alarm());
  }
}

/** The real SendScheduler, seeing the counting storage; its calls and its alarm (the send loop, billed while it runs) timed. */
export class SendScheduler extends RealSendScheduler {
  constructor(ctx: DurableObjectState, env: Env) {
    const cursors = counted(ctx, counts.durable.scheduler);
    super(ctx, env);
    cursorsOf.set(this, cursors);
  }

  override enlist(...args: Parameters<RealSendScheduler["enlist"]>) {
    return timed(this, counts.durable.scheduler, false, () => super.enlist(...args));
  }

  override alarm() {
    return timed(this, counts.durable.scheduler, true, () => super.alarm());
  }
}

export type BenchCounts = typeof counts;

export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === "/__bench/counts") return Response.json(counts);
    counts.invocations.fetch++;
    const handler = worker.fetch as ExportedHandlerFetchHandler<Env> | undefined;
    return handler ? handler.call(worker, request as Parameters<ExportedHandlerFetchHandler<Env>>[0], withCounting(env, "other"), ctx) : new Response("no fetch handler", { status: 404 });
  },

  async scheduled(controller, env, ctx) {
    counts.invocations.scheduled++;
    await worker.scheduled?.(controller, withCounting(env, "cron"), ctx);
  },

  async queue(batch, env, ctx) {
    counts.invocations.queueBatches++;
    counts.invocations.queueMessages += batch.messages.length;
    const started = Date.now();
    try {
      await worker.queue?.(batch, withCounting(env, "filter"), ctx);
    } finally {
      counts.invocations.queueMs += Date.now() - started;
    }
  },
} satisfies ExportedHandler<Env>;
