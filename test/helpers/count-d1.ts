/**
 * A D1 binding that counts round trips: each statement run on its own counts
 * one, each batch counts one whatever it holds. Used to prove the filter's
 * query count does not grow with the batch size.
 */
export function countingD1(real: D1Database) {
  const counter = { roundTrips: 0, statements: 0 };
  const unwrap = new WeakMap<object, D1PreparedStatement>();

  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop, receiver) {
        if (prop === "bind") return (...values: unknown[]) => wrap(target.bind(...values));
        if (prop === "all" || prop === "run" || prop === "first" || prop === "raw") {
          return (...args: unknown[]) => {
            counter.roundTrips++;
            counter.statements++;
            const fn = Reflect.get(target, prop, receiver) as (...a: unknown[]) => unknown;
            return fn.apply(target, args);
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    unwrap.set(proxy, stmt);
    return proxy;
  };

  const db = new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") return (query: string) => wrap(target.prepare(query));
      if (prop === "batch") {
        return (stmts: D1PreparedStatement[]) => {
          counter.roundTrips++;
          counter.statements += stmts.length;
          return target.batch(stmts.map((s) => unwrap.get(s) ?? s));
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, counter };
}
