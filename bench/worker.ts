/**
 * The benchmark's Worker entry: the real GetMeOne Worker (src/index.ts),
 * unchanged, with what it uses counted on the way through, for the bench's
 * D1 figures and its cost estimate (read from GET /__bench/counts):
 *
 * - D1: every call, through a counting wrapper around the real binding, per
 *   stage (cron, filter, notifier, other): statements, round trips, and the
 *   rows read and written D1 reports in each result's `meta`. `first()` and
 *   `raw()` return no meta: those statements are counted as unmetered.
 * - Invocations: cron, queue batches and their messages, HTTP requests.
 * - Durable Objects: Notifier RPC calls and alarms with their wall time (the
 *   duration Cloudflare bills), SendBudget calls, and the Notifiers' SQLite
 *   rows (each cursor's rowsRead/rowsWritten, each KV call and setAlarm as a row).
 * - Analytics Engine data points and log lines written.
 *
 * GET /__bench/feeds tells the bench when the feeds' pollers took their baseline
 * (127.0.0.1 only: wrangler dev --ip 127.0.0.1).
 *
 * workerd runs this module once per isolate; locally the Worker's handlers and
 * its Durable Objects share one isolate, so one tally sees them all (the
 * benchmark checks that the notifier's column is not zero when messages went).
 */
import worker, { FeedPoller as RealFeedPoller, Notifier as RealNotifier, SendBudget as RealSendBudget } from "../src/index.ts";

type Stage = "cron" | "filter" | "notifier" | "other";
interface D1Tally {
  statements: number;
  roundTrips: number;
  rowsRead: number;
  rowsWritten: number;
  /** Statements whose result carries no meta (first, raw): their rows are not in rowsRead/rowsWritten. */
  unmetered: number;
}

const d1Tally = (): D1Tally => ({ statements: 0, roundTrips: 0, rowsRead: 0, rowsWritten: 0, unmetered: 0 });
const counts = {
  d1: { cron: d1Tally(), filter: d1Tally(), notifier: d1Tally(), other: d1Tally() } as Record<Stage, D1Tally>,
  /** queueMs: wall time inside the queue handler (the filter stage). */
  invocations: { scheduled: 0, queueBatches: 0, queueMessages: 0, queueMs: 0, fetch: 0 },
  /** storageUncounted: Notifiers whose storage could not be patched (their rows are missing). */
  durable: { notifierCalls: 0, notifierAlarms: 0, notifierMs: 0, budgetCalls: 0, rowsRead: 0, rowsWritten: 0, storageUncounted: 0 },
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

/**
 * Counts the Notifier's SQLite rows on its own storage objects (the runtime
 * wants the real DurableObjectState, so it is patched, not wrapped): each
 * cursor's rowsRead/rowsWritten once the call that made it is over (a cursor
 * counts as it is read), each KV call and setAlarm/deleteAlarm as one row.
 */
function countStorage(storage: DurableObjectStorage, cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[]): boolean {
  const rowWritten = (original: (...a: unknown[]) => unknown) => (...args: unknown[]) => {
    counts.durable.rowsWritten++;
    return original(...args);
  };
  return [
    patch(storage.sql, "exec", (original) => (...args: unknown[]) => {
      const cursor = original(...args) as SqlStorageCursor<Record<string, SqlStorageValue>>;
      cursors.push(cursor);
      return cursor;
    }),
    patch(storage.kv, "get", (original) => (...args: unknown[]) => {
      counts.durable.rowsRead++;
      return original(...args);
    }),
    patch(storage.kv, "put", rowWritten),
    patch(storage.kv, "delete", rowWritten),
    patch(storage, "setAlarm", rowWritten),
    patch(storage, "deleteAlarm", rowWritten),
  ].every(Boolean);
}

/** The real Notifier, seeing the counting DB and storage; its calls and alarms timed. */
export class Notifier extends RealNotifier {
  #cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[];

  constructor(ctx: DurableObjectState, env: Env) {
    const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
    if (!countStorage(ctx.storage, cursors)) counts.durable.storageUncounted++;
    super(ctx, withCounting(env, "notifier"));
    this.#cursors = cursors;
  }

  async #timed<T>(alarm: boolean, call: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await call();
    } finally {
      counts.durable.notifierMs += Date.now() - started;
      if (alarm) counts.durable.notifierAlarms++;
      else counts.durable.notifierCalls++;
      for (const c of this.#cursors.splice(0)) {
        counts.durable.rowsRead += c.rowsRead;
        counts.durable.rowsWritten += c.rowsWritten;
      }
    }
  }

  override deliver(...args: Parameters<RealNotifier["deliver"]>) {
    return this.#timed(false, () => super.deliver(...args));
  }

  override alarm() {
    return this.#timed(true, () => super.alarm());
  }
}

/** The real FeedPoller, seeing the counting DB (its D1 rows count as the parser stage's: "cron"). */
export class FeedPoller extends RealFeedPoller {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, withCounting(env, "cron"));
  }
}

/** The real SendBudget, its calls counted. */
export class SendBudget extends RealSendBudget {
  override reserve(now: number) {
    counts.durable.budgetCalls++;
    return super.reserve(now);
  }

  override claim(now: number) {
    counts.durable.budgetCalls++;
    return super.claim(now);
  }

  override holdUntil(until: number, now: number) {
    counts.durable.budgetCalls++;
    return super.holdUntil(until, now);
  }
}

export type BenchCounts = typeof counts;

export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === "/__bench/counts") return Response.json(counts);
    // Whether the feeds took their baseline yet; read on the real binding, so not counted.
    if (path === "/__bench/feeds") {
      // A feed took its baseline once its poller succeeded; the reconciler copies that to feeds.stats each minute,
      // so ask the pollers themselves.
      const feeds = await env.DB.prepare("SELECT source, deal, property, scope FROM feeds WHERE active = 1").all<{ source: string; deal: string; property: string; scope: string }>();
      const answers = await Promise.all(
        feeds.results.map(async (f) => {
          const stats = await env.FEED_POLLER.getByName(`${f.source}:${f.deal}:${f.property}:${f.scope}`).stats();
          return { source: f.source, baselined: stats?.lastSuccessAt != null, last_error: stats?.lastError ?? null };
        }),
      );
      return Response.json(answers);
    }
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
