/**
 * The benchmark's Worker entry: the real GetMeOne Worker (src/index.ts),
 * unchanged, with every D1 call it makes counted on the way through. The
 * handlers and the Notifier get an `env` whose DB is a counting wrapper around
 * the real binding; statements and round trips are tallied per stage (cron,
 * filter, notifier, other) and read by the benchmark from
 * GET /__bench/d1; GET /__bench/feeds tells it when the feeds took their
 * baseline (127.0.0.1 only: wrangler dev --ip 127.0.0.1).
 *
 * Counted: every `first`/`run`/`all`/`raw` of a prepared statement (one
 * statement, one round trip), every `batch` (its statements, one round trip)
 * and `exec` (one round trip; its statements counted by `;`).
 *
 * workerd runs this module once per isolate; locally the Worker's handlers and
 * its Durable Objects share one isolate, so one tally sees them all (the
 * benchmark checks that the notifier's column is not zero when messages went).
 */
import worker, { Notifier as RealNotifier, SendBudget } from "../src/index.ts";

export { SendBudget };

type Stage = "cron" | "filter" | "notifier" | "other";
type Tally = Record<Stage, { statements: number; roundTrips: number }>;

const tally: Tally = {
  cron: { statements: 0, roundTrips: 0 },
  filter: { statements: 0, roundTrips: 0 },
  notifier: { statements: 0, roundTrips: 0 },
  other: { statements: 0, roundTrips: 0 },
};

function count(stage: Stage, statements: number): void {
  tally[stage].statements += statements;
  tally[stage].roundTrips += 1;
}

const EXECUTE = new Set<PropertyKey>(["first", "run", "all", "raw"]);

/** A D1 binding that counts what goes through it. Statements handed to batch() are unwrapped first. */
function countingD1(db: D1Database, stage: Stage): D1Database {
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (prop === "bind") return (...params: unknown[]) => wrap(target.bind(...params));
        if (EXECUTE.has(prop) && typeof value === "function") {
          return (...args: unknown[]) => {
            count(stage, 1);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
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
        return (statements: D1PreparedStatement[]) => {
          count(stage, statements.length);
          return target.batch(statements.map((s) => real.get(s) ?? s));
        };
      }
      if (prop === "exec") {
        return (query: string) => {
          count(stage, Math.max(1, query.split(";").filter((q) => q.trim()).length));
          return target.exec(query);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function withCountingDb(env: Env, stage: Stage): Env {
  return { ...env, DB: countingD1(env.DB, stage) };
}

/** The real Notifier, seeing the counting DB. */
export class Notifier extends RealNotifier {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, withCountingDb(env, "notifier"));
  }
}

export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === "/__bench/d1") return Response.json(tally);
    // Whether the feeds took their baseline yet; read on the real binding, so not counted.
    if (path === "/__bench/feeds") {
      const feeds = await env.DB.prepare("SELECT source, baseline_at, last_error FROM feeds WHERE active = 1").all();
      return Response.json(feeds.results);
    }
    const handler = worker.fetch as ExportedHandlerFetchHandler<Env> | undefined;
    return handler ? handler.call(worker, request as Parameters<ExportedHandlerFetchHandler<Env>>[0], withCountingDb(env, "other"), ctx) : new Response("no fetch handler", { status: 404 });
  },

  async scheduled(controller, env, ctx) {
    await worker.scheduled?.(controller, withCountingDb(env, "cron"), ctx);
  },

  async queue(batch, env, ctx) {
    await worker.queue?.(batch, withCountingDb(env, "filter"), ctx);
  },
} satisfies ExportedHandler<Env>;
