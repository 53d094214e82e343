/**
 * Applies a Durable Object's versioned schema in order (agents' idempotent
 * migrations): the version kept under `key` in its KV says which statements
 * already ran, so an object built on older storage catches up once.
 *
 * @param migrations SQL, one entry per version; never edit a released one, append
 */
export function applyDoMigrations(storage: DurableObjectStorage, migrations: readonly string[], key = "schema_version"): void {
  const version = storage.kv.get<number>(key) ?? 0;
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

  constructor(storage: DurableObjectStorage, migrations: readonly string[], key?: string) {
    this.sql = storage.sql;
    this.kv = storage.kv;
    applyDoMigrations(storage, migrations, key);
  }
}
