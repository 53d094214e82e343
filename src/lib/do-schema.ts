/** A Durable Object's schema: its history, and optionally what that history comes to, for new objects. */
export interface DoSchema {
  /** SQL, one entry per version; never edit a released one, append. */
  migrations: readonly string[];
  /**
   * The schema all migrations end in, created at once by an object with no
   * storage yet: every DDL statement is rows written, and a new object per
   * user would otherwise pay for indexes created only to be dropped.
   */
  current?: string;
}

/**
 * Applies a Durable Object's versioned schema in order (agents' idempotent
 * migrations): the version kept under `key` in its KV says which statements
 * already ran, so an object built on older storage catches up once; a new
 * object starts from `current` when given.
 */
export function applyDoMigrations(storage: DurableObjectStorage, schema: DoSchema, key = "schema_version"): void {
  const { migrations, current } = schema;
  const version = storage.kv.get<number>(key) ?? 0;
  if (version === 0 && current !== undefined) {
    storage.sql.exec(current);
    storage.kv.put(key, migrations.length);
    return;
  }
  for (let v = version; v < migrations.length; v++) {
    const statement = migrations[v];
    if (statement) storage.sql.exec(statement);
  }
  if (version !== migrations.length) storage.kv.put(key, migrations.length);
}

/**
 * A Durable Object's own state in its SQLite storage, schema applied on
 * construction: the base of the Notifier's outbox and the poller's store.
 * Its methods are synchronous (the storage API is), so a caller's sequence of
 * calls cannot interleave with another event.
 */
export abstract class DoStore {
  protected readonly sql: SqlStorage;
  protected readonly kv: SyncKvStorage;

  constructor(storage: DurableObjectStorage, schema: DoSchema, key?: string) {
    this.sql = storage.sql;
    this.kv = storage.kv;
    applyDoMigrations(storage, schema, key);
  }
}
