import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

/** Typed drizzle client over the D1 binding. */
export function useDb(d1: D1Database) {
  return drizzle(d1, { schema });
}
export type Db = ReturnType<typeof useDb>;
