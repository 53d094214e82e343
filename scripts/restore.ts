/**
 * `npm run restore -- --dry-run [--file export.json] [--url https://…]`: the
 * restore drill. Reads the latest export (GET /admin/backups/latest, or a file
 * saved with `wrangler r2 object get`), validates it with the schema the
 * Worker writes it with, and prints what it holds. Without --dry-run it asks
 * the Worker to restore that export (POST /admin/backups/restore): what D1
 * lacks is written back, nothing D1 has is overwritten.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { type Backup, backupSchema } from "../src/db/backup.ts";
import { adminCall } from "./lib/admin-api.ts";

/** What a restore of this export would write, as lines for the operator. */
export function describeBackup(key: string, backup: Backup): string[] {
  const active = backup.savedSearches.filter((s) => s.active).length;
  const perUser = new Map<number, number>();
  for (const s of backup.savedSearches) perUser.set(s.userId, (perUser.get(s.userId) ?? 0) + 1);
  return [
    `export ${key}, taken ${new Date(backup.exportedAt).toISOString()}`,
    `users: ${backup.users.length} (${backup.users.filter((u) => u.paused).length} paused, ${backup.users.filter((u) => u.blockedAt !== null).length} blocked the bot)`,
    `saved searches: ${backup.savedSearches.length} (${active} active), of ${perUser.size} users, at most ${Math.max(0, ...perUser.values())} for one; ${backup.savedSearches.filter((s) => s.chatId !== null).length} deliver to a group`,
    `group chats: ${backup.chats.length} (${backup.chats.filter((c) => c.leftAt !== null).length} the bot has left)`,
    "a restore writes back the users, group chats and searches D1 lacks (by id) and leaves every row D1 has as it is",
  ];
}

/** The export to restore: parsed and validated, or why not. */
export function readExport(key: string, raw: unknown): { ok: true; backup: Backup } | { ok: false; problem: string } {
  const parsed = backupSchema.safeParse(raw);
  return parsed.success ? { ok: true, backup: parsed.data } : { ok: false, problem: `${key} is not a valid export:\n${z.prettifyError(parsed.error)}` };
}

const latestAnswer = z.object({ key: z.string(), backup: z.unknown() });

async function latest(url: string | undefined): Promise<{ key: string; raw: unknown }> {
  const { status, body } = await adminCall("/admin/backups/latest", { url });
  const answer = latestAnswer.safeParse(body);
  if (status !== 200 || !answer.success) throw new Error(`the Worker answered ${status}: ${JSON.stringify(body)}`);
  return { key: answer.data.key, raw: answer.data.backup };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { "dry-run": { type: "boolean", default: false }, file: { type: "string" }, url: { type: "string" } } });
  try {
    const { key, raw } = values.file ? { key: values.file, raw: JSON.parse(readFileSync(values.file, "utf8")) as unknown } : await latest(values.url);
    const read = readExport(key, raw);
    if (!read.ok) throw new Error(read.problem);
    for (const line of describeBackup(key, read.backup)) console.log(line);
    if (values["dry-run"]) console.log("dry run: nothing written");
    else if (values.file) throw new Error("--file is for the dry run; a restore reads the export from R2 by its key (drop --file)");
    else {
      const { status, body } = await adminCall("/admin/backups/restore", { method: "POST", json: { key }, url: values.url });
      if (status !== 200) throw new Error(`the Worker answered ${status}: ${JSON.stringify(body)}`);
      console.log(`restored: ${JSON.stringify((body as { restored: unknown }).restored)}`);
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
