import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
/**
 * `(SELECT value FROM json_each(?))`: a whole list bound as ONE parameter.
 * D1 allows 100 bound parameters per statement; a batch of 100 listing ids
 * (or thousands of match rows) stays one statement instead of a chunked loop.
 *
 * Hot-path statements are plain D1 statements: drizzle-orm 0.45 cannot put a
 * raw `sql` statement with parameters into `db.batch()`.
 */
export const JSON_LIST = "(SELECT value FROM json_each(?))";

/** The rows of a D1 result, typed by the statement's author. */
export function rowsOf<T>(result: D1Result<unknown>): T[] {
  return result.results as T[];
}

/** `column IN (the list)` for a drizzle query, the list bound as one JSON parameter like JSON_LIST. */
export function inJsonList(column: SQLWrapper, values: readonly (number | string)[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}
