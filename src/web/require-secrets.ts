import type { MiddlewareHandler } from "hono";
import { useDb } from "../db/client.ts";
import { claimAlert } from "../db/settings.ts";
import { REQUIRED_SECRETS, type RequiredSecret, missingSecrets } from "../lib/config.ts";
import { errorMessage, log } from "../lib/log.ts";
import { sendAdminText } from "../telegram/admin-alert.ts";

/** One admin alert per missing secret per day: loud enough to be seen, not a flood. */
const ALERT_EVERY_MS = 24 * 60 * 60 * 1000;

/** The page a visitor sees instead of a 401 that would look like a forgery. */
function missingPage(names: readonly RequiredSecret[]): string {
  const items = names.map((n) => `<li><code>${n}</code>: without it ${REQUIRED_SECRETS[n]}.</li>`).join("");
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>GetMeOne is not set up</title>
<h1>GetMeOne is not set up yet</h1><p>This deployment is missing a setting, so this page cannot work:</p><ul>${items}</ul>
<p>The operator sets it with <code>wrangler secret put NAME</code> (or in <code>.dev.vars</code> locally; see <code>.dev.vars.example</code>).</p></html>`;
}

/**
 * Middleware factory: the routes behind it need these secrets. Without one
 * they answer 503 with a page naming it (Telegram retries a 503, so a webhook
 * update is delayed, not lost), log an error naming it, and tell the admin
 * chat once a day. Never a 401: a missing secret is not a forged request.
 *
 * @example settings.use("*", requireSecrets("APP_SECRET"))
 */
export function requireSecrets(...needed: RequiredSecret[]): MiddlewareHandler<{ Bindings: Env }> {
  return async function requireSecretsMiddleware(c, next) {
    const missing = missingSecrets(c.env).filter((name) => needed.includes(name));
    if (missing.length === 0) return next();
    log.error("config_missing_secret", { secrets: missing.join(", "), path: new URL(c.req.url).pathname });
    c.executionCtx.waitUntil(alertOnce(c.env, missing));
    return c.html(missingPage(missing), 503);
  };
}

async function alertOnce(env: Env, missing: readonly RequiredSecret[]): Promise<void> {
  try {
    const now = Date.now();
    for (const name of missing) {
      if (!(await claimAlert(useDb(env.DB), `alert:missing:${name}`, now, ALERT_EVERY_MS))) continue;
      await sendAdminText(env, `⚠️ GetMeOne: the secret ${name} is not set: ${REQUIRED_SECRETS[name]}. Set it with wrangler secret put ${name}.`);
    }
  } catch (error) {
    log.error("config_missing_secret_alert_failed", { error: errorMessage(error) });
  }
}
