import { listBackups, readBackup, storeBackup } from "../db/backup.ts";
import { useDb } from "../db/client.ts";
import { pruneTables } from "../db/prune.ts";
import { log } from "../lib/log.ts";

/** Rows one hourly prune deletes per table at most: 120 000 a day each, a few hundred ms of D1. */
export const PRUNE_LIMIT = 5_000;

/** The hourly cron: the tables that grow with traffic, pruned in bounded steps (src/db/prune.ts). */
export async function prune(env: Env, now: number): Promise<void> {
  const deleted = await pruneTables(env.DB, now, PRUNE_LIMIT);
  log.info("pruned", { ...deleted });
}

/** The daily cron: users and saved searches exported to R2 (src/db/backup.ts), older exports deleted. */
export async function exportBackup(env: Env, now: number): Promise<string> {
  const backup = await readBackup(useDb(env.DB), now);
  const key = await storeBackup(env.BACKUPS, backup);
  log.info("backup_exported", { key, users: backup.users.length, savedSearches: backup.savedSearches.length, kept: (await listBackups(env.BACKUPS)).length });
  return key;
}
