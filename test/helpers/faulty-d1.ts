/**
 * A D1 binding whose next statement matching `fails` is refused: alone, or
 * with its whole batch, as D1 refuses a batch when one of its statements
 * fails (the batch is one transaction: nothing of it is written). Every other
 * call goes to the real binding. For the chaos tests: one D1 statement failing.
 */
export function faultyD1(real: D1Database, fails: RegExp) {
  const sqlOf = new WeakMap<object, string>();
  const state = { armed: true, refused: 0 };
  const wrap = (stmt: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop, receiver) {
        if (prop === "bind") return (...values: unknown[]) => wrap(target.bind(...values), sql);
        if ((prop === "run" || prop === "all" || prop === "first" || prop === "raw") && state.armed && fails.test(sql)) {
          return async () => {
            state.armed = false;
            state.refused++;
            throw new Error("D1_ERROR: injected failure of one statement");
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    sqlOf.set(proxy, sql);
    return proxy;
  };
  const db = new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") return (query: string) => wrap(target.prepare(query), query);
      if (prop === "batch") {
        return async (stmts: D1PreparedStatement[]) => {
          if (state.armed && stmts.some((s) => fails.test(sqlOf.get(s) ?? ""))) {
            state.armed = false;
            state.refused++;
            throw new Error("D1_ERROR: injected failure of one statement in the batch");
          }
          return target.batch(stmts);
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, state };
}
