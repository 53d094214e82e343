/**
 * `npm run telegram:setup [-- --drop-pending-updates] [--url https://…]`:
 * points Telegram at the Worker's webhook and registers the "/" menu in
 * Polish and English. Reads TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET and
 * PUBLIC_URL (and TELEGRAM_API_ROOT, for a local fake) from the environment,
 * else from .dev.vars. Prints what Telegram reports, never the token.
 */
import { parseArgs } from "node:util";
import { ALLOWED_UPDATES, BOT_COMMANDS, GROUP_BOT_COMMANDS } from "../src/bot/commands.ts";
import { readVarsFile } from "./lib/dev-vars.ts";

type Vars = Record<string, string | undefined>;

async function call(apiRoot: string, token: string, method: string, params: object): Promise<unknown> {
  const response = await fetch(`${apiRoot}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  const body = (await response.json()) as { ok: boolean; result?: unknown; description?: string };
  if (!body.ok) throw new Error(`${method} failed: ${body.description ?? response.status}`);
  return body.result;
}

export async function setup(vars: Vars, options: { url?: string; dropPendingUpdates: boolean }): Promise<string[]> {
  const token = vars.TELEGRAM_BOT_TOKEN;
  const secret = vars.TELEGRAM_WEBHOOK_SECRET;
  const publicUrl = options.url ?? vars.PUBLIC_URL;
  if (!token || !secret || !publicUrl) throw new Error("TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET and PUBLIC_URL are needed (environment or .dev.vars)");
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw new Error("TELEGRAM_WEBHOOK_SECRET may hold only A-Z a-z 0-9 _ - (1-256 characters)");
  const apiRoot = (vars.TELEGRAM_API_ROOT || "https://api.telegram.org").replace(/\/+$/, "");
  const url = new URL("/telegram/webhook", publicUrl).toString();
  const log: string[] = [];
  await call(apiRoot, token, "setWebhook", {
    url,
    secret_token: secret,
    allowed_updates: ALLOWED_UPDATES,
    drop_pending_updates: options.dropPendingUpdates,
  });
  log.push(`webhook: ${url} (updates: ${ALLOWED_UPDATES.join(", ")}${options.dropPendingUpdates ? "; pending updates dropped" : ""})`);
  // The default menu (no language_code) is English; Polish clients get theirs.
  // Private chats keep the default scope; groups get their own, shorter menu.
  for (const [scope, menus] of [[null, BOT_COMMANDS], ["all_group_chats", GROUP_BOT_COMMANDS]] as const) {
    for (const [language, commands] of [["en", menus.en], ["pl", menus.pl], [null, menus.en]] as const) {
      await call(apiRoot, token, "setMyCommands", { commands, ...(language ? { language_code: language } : {}), ...(scope ? { scope: { type: scope } } : {}) });
      log.push(`commands (${scope ?? "private chats"}, ${language ?? "default"}): ${commands.map((c) => `/${c.command}`).join(" ")}`);
    }
  }
  const info = (await call(apiRoot, token, "getWebhookInfo", {})) as { url?: string; pending_update_count?: number; last_error_message?: string };
  log.push(`Telegram reports: url ${info.url ?? "?"}, ${info.pending_update_count ?? 0} pending${info.last_error_message ? `, last error: ${info.last_error_message}` : ""}`);
  return log;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { url: { type: "string" }, "drop-pending-updates": { type: "boolean", default: false } } });
  const fromFile = readVarsFile(".dev.vars");
  try {
    const lines = await setup({ ...fromFile, ...process.env }, { url: values.url, dropPendingUpdates: values["drop-pending-updates"] ?? false });
    for (const line of lines) console.log(line);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
