import { type Context, Hono } from "hono";
import type { SecureHeadersVariables } from "hono/secure-headers";
import { config } from "../../lib/config.ts";
import { getSignedCookie, setSignedCookie } from "hono/cookie";
import { loadHealth } from "../../db/health.ts";
import { log } from "../../lib/log.ts";
import { renderPage } from "../page.tsx";
import { secretMatches } from "../secret.ts";
import { AdminLogin, AdminPage } from "./page.tsx";

type AdminEnv = { Bindings: Env; Variables: SecureHeadersVariables };

const COOKIE = "gm_admin";
const SESSION_MS = 12 * 60 * 60 * 1000;

/** Bearer ADMIN_TOKEN, or the signed admin session opened with it. */
async function isAdmin(c: Context<AdminEnv>, now: number): Promise<boolean> {
  const token = c.env.ADMIN_TOKEN;
  if (!token) return false;
  const bearer = /^Bearer (.+)$/.exec(c.req.header("Authorization") ?? "")?.[1];
  if (bearer !== undefined) return secretMatches(bearer, token);
  if (!c.env.APP_SECRET) return false;
  const session = await getSignedCookie(c, c.env.APP_SECRET, COOKIE);
  const expires = typeof session === "string" ? /^admin\.(\d{1,15})$/.exec(session)?.[1] : undefined;
  return expires !== undefined && Number(expires) > now;
}

/** /admin: the operator's dashboard. Without ADMIN_TOKEN set, nobody gets in. */
export const admin = new Hono<AdminEnv>();

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
  if (!(await isAdmin(c, now))) return renderPage(c, <AdminLogin />, 401);
  const { olxRequestsPerMin, otodomRequestsPerMin } = config(c.env);
  return renderPage(c, <AdminPage health={await loadHealth(c.env.DB, now)} budgets={{ olx: olxRequestsPerMin, otodom: otodomRequestsPerMin }} />);
});
