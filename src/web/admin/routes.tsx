import { type Context, Hono } from "hono";
import type { SecureHeadersVariables } from "hono/secure-headers";
import { config } from "../../lib/config.ts";
import { getSignedCookie, setSignedCookie } from "hono/cookie";
import { loadHealth } from "../../db/health.ts";
import { log } from "../../lib/log.ts";
import { z } from "zod";
import { BACKUP_PREFIX, listBackups, loadBackup, restoreBackup } from "../../db/backup.ts";
import { useDb } from "../../db/client.ts";
import { countHit } from "../../db/rate-limits.ts";
import { csrfToken, csrfValid } from "../csrf.ts";
import { renderPage } from "../page.tsx";
import { replayDeadLetters } from "./replay.ts";
import { secretMatches } from "../secret.ts";
import { AdminLogin, AdminPage } from "./page.tsx";

type AdminEnv = { Bindings: Env; Variables: SecureHeadersVariables };

const COOKIE = "gm_admin";
const SESSION_MS = 12 * 60 * 60 * 1000;

/** Sign-in attempts (a token posted or sent as a bearer) one address may make per window; past them, 429. */
export const ADMIN_SIGN_IN_LIMIT = { attempts: 10, windowMs: 10 * 60 * 1000 } as const;

/**
 * How the request is the admin: by bearer ADMIN_TOKEN (compared in constant
 * time), by the signed session the sign-in form opened, or not at all.
 */
async function adminBy(c: Context<AdminEnv>, now: number): Promise<"bearer" | "session" | null> {
  const token = c.env.ADMIN_TOKEN;
  if (!token) return null;
  const bearer = /^Bearer (.+)$/.exec(c.req.header("Authorization") ?? "")?.[1];
  if (bearer !== undefined) return (await secretMatches(bearer, token)) ? "bearer" : null;
  if (!c.env.APP_SECRET) return null;
  const session = await getSignedCookie(c, c.env.APP_SECRET, COOKIE);
  const expires = typeof session === "string" ? /^admin\.(\d{1,15})$/.exec(session)?.[1] : undefined;
  return expires !== undefined && Number(expires) > now ? "session" : null;
}

/** /admin: the operator's dashboard. Without ADMIN_TOKEN set, nobody gets in. */
export const admin = new Hono<AdminEnv>();

/**
 * Every request that presents a token counts against its address's window
 * (D1, so all isolates share it): guessing ADMIN_TOKEN gets 10 tries per 10
 * minutes per address, then 429 with Retry-After until the window ends.
 */
admin.use("*", async (c, next) => {
  const presents = c.req.header("Authorization") !== undefined || (c.req.method === "POST" && new URL(c.req.url).pathname.endsWith("/login"));
  if (!presents) return next();
  const now = Date.now();
  const address = c.req.header("CF-Connecting-IP") ?? "unknown";
  const [window] = await countHit(useDb(c.env.DB), `admin-login:${address}`, now, ADMIN_SIGN_IN_LIMIT.windowMs);
  if (window && window.hits > ADMIN_SIGN_IN_LIMIT.attempts) {
    const retryAfterS = Math.max(1, Math.ceil((window.windowStart + ADMIN_SIGN_IN_LIMIT.windowMs - now) / 1000));
    log.warn("admin_sign_in_limited", { hits: window.hits });
    c.header("Retry-After", String(retryAfterS));
    return c.text(`Too many sign-in attempts from this address; try again in ${retryAfterS} s.`, 429);
  }
  return next();
});

admin.post("/login", async (c) => {
  const body = await c.req.parseBody();
  const presented = typeof body.token === "string" ? body.token : undefined;
  if (!c.env.ADMIN_TOKEN || !c.env.APP_SECRET || !(await secretMatches(presented, c.env.ADMIN_TOKEN))) {
    log.warn("admin_login_refused", {});
    return renderPage(c, <AdminLogin />, 401);
  }
  const now = Date.now();
  await setSignedCookie(c, COOKIE, `admin.${now + SESSION_MS}`, c.env.APP_SECRET, {
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    path: "/admin",
    maxAge: SESSION_MS / 1000,
  });
  return c.redirect("/admin", 303);
});

admin.get("/", async (c) => {
  const now = Date.now();
  if (!(await adminBy(c, now))) return renderPage(c, <AdminLogin />, 401);
  const { olxRequestsPerMin, otodomRequestsPerMin } = config(c.env);
  const csrf = c.env.APP_SECRET ? await csrfToken(c.env.APP_SECRET, "admin") : "";
  return renderPage(c, <AdminPage health={await loadHealth(c.env.DB, now)} budgets={{ olx: olxRequestsPerMin, otodom: otodomRequestsPerMin }} csrf={csrf} />);
});

/**
 * POST /admin/dead-letters/replay: the dead letters back on their queue
 * (src/web/admin/replay.ts), from the page's button (session + CSRF token) or
 * `npm run dlq:replay` (bearer; a header no other site can make a browser send).
 * The page gets the dashboard back; a bearer call the counts as JSON.
 */
admin.post("/dead-letters/replay", async (c) => {
  const now = Date.now();
  const by = await adminBy(c, now);
  if (!by) return renderPage(c, <AdminLogin />, 401);
  if (by === "session") {
    const body = await c.req.parseBody();
    if (!(await csrfValid(c.env.APP_SECRET, "admin", typeof body.csrf === "string" ? body.csrf : undefined))) {
      log.warn("admin_csrf_refused", {});
      return c.text("This form is stale: reload /admin and press the button again.", 403);
    }
  }
  const result = await replayDeadLetters(c.env, now);
  return by === "bearer" ? c.json(result) : c.redirect("/admin", 303);
});

/** GET /admin/backups/latest (bearer): the newest export and its key, for `npm run restore`. */
admin.get("/backups/latest", async (c) => {
  if ((await adminBy(c, Date.now())) !== "bearer") return c.text("unauthorized", 401);
  const key = (await listBackups(c.env.BACKUPS)).at(-1);
  if (!key) return c.json({ error: "no export yet" }, 404);
  // Sent as stored, valid or not: the restore script validates it itself and says what is wrong.
  const object = await c.env.BACKUPS.get(key);
  return object ? c.json({ key, backup: await object.json() }) : c.json({ error: `no export ${key}` }, 404);
});

const restoreRequest = z.object({ key: z.string().startsWith(BACKUP_PREFIX).max(200) });

/**
 * POST /admin/backups/restore {"key": …} (bearer only: no browser can be made
 * to send it): what the export holds and D1 lacks is written back
 * (src/db/backup.ts restoreBackup); the counts come back as JSON.
 */
admin.post("/backups/restore", async (c) => {
  if ((await adminBy(c, Date.now())) !== "bearer") return c.text("unauthorized", 401);
  const body = restoreRequest.safeParse(await c.req.json().catch(() => null));
  if (!body.success) return c.json({ error: 'send {"key": "exports/…"}' }, 400);
  const loaded = await loadBackup(c.env.BACKUPS, body.data.key);
  if ("problem" in loaded) return c.json({ error: loaded.problem }, 422);
  const restored = await restoreBackup(useDb(c.env.DB), loaded.backup);
  log.warn("backup_restored", { key: body.data.key, ...restored });
  return c.json({ key: body.data.key, restored });
});
