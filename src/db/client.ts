import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

/** Typed drizzle client over the D1 binding. */
export function useDb(d1: D1Database) {
  return drizzle(d1, { schema });
}
export type Db = ReturnType<typeof useDb>;

/**
 * A drizzle query as a plain D1 statement, so it can share a `d1.batch()`
 * (one round trip) with the raw statements of the hot path.
 */
export function asD1Statement(d1: D1Database, query: { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement {
  const { sql, params } = query.toSQL();
  return d1.prepare(sql).bind(...params);
}
