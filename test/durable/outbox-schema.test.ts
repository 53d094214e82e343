import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { CURRENT, MIGRATIONS } from "../../src/durable/outbox.ts";
import { applyDoMigrations } from "../../src/lib/do-schema.ts";

/** Tables, columns and indexes of an object's SQLite, comparable across objects. */
function shape(sql: SqlStorage) {
  const tables = sql
    .exec<{ name: string; type: string }>(`SELECT name, type FROM sqlite_master WHERE name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .toArray();
  return tables.map((t) => ({
    ...t,
    columns: t.type === "table" ? sql.exec(`PRAGMA table_info(${t.name})`).toArray() : [],
  }));
}

describe("Notifier outbox schema", () => {
  it("a new object's schema is what an old object's migrations come to", async ({ expect }) => {
    // A Notifier's storage, emptied and rebuilt as an object from before `current` existed would have it.
    const migrated = await runInDurableObject(env.NOTIFIER.getByName("schema-migrated"), (_n, state) => {
      state.storage.sql.exec(`DROP TABLE outbox; DROP TABLE sent_log; DROP TABLE told_flats;`);
      applyDoMigrations(state.storage, { migrations: MIGRATIONS }, "scratch_version");
      return shape(state.storage.sql);
    });
    const fresh = await runInDurableObject(env.NOTIFIER.getByName("schema-fresh"), (_n, state) => shape(state.storage.sql));
    expect(fresh).toEqual(migrated);
    expect(fresh.map((t) => t.name)).toEqual(["outbox", "sent_log", "told_flats"]);
    expect(CURRENT).toContain("uncertain");
  });
});
