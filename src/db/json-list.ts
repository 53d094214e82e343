import { type SQL, sql } from "drizzle-orm";

/**
 * `(SELECT value FROM json_each(?))`: a whole list as ONE bound parameter.
 * D1 allows 100 bound parameters per statement; a batch of 100 listing ids
 * (or 1 000 match rows) stays one statement instead of a chunked loop.
 */
export function jsonList(values: readonly unknown[]): SQL {
  return sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;
}
