import { Hono } from "hono";
import { useDb } from "../../db/client.ts";
import { listSearches } from "../../db/saved-searches.ts";
import { log } from "../../lib/log.ts";
import type { Language } from "../../telegram/texts.ts";
import { redeemLoginNonce, verifyLoginToken } from "./login-link.ts";
import { SearchList, Unauthorized } from "./pages.tsx";
import { openSession, sessionUser } from "./session.ts";

interface AppUser {
  id: number;
  language: Language;
}

async function findUser(d1: D1Database, telegramId: number): Promise<AppUser | null> {
  return d1.prepare(`SELECT id, language FROM users WHERE telegram_id = ?`).bind(telegramId).first<AppUser>();
}

/**
 * The settings page under /app. Who the user is comes only from a verified
 * login link or a signed session cookie; everything else gets 401 and a page
 * saying how to get a new link.
 */
export const settings = new Hono<{ Bindings: Env }>();

/** GET /app/auth?t=…: a /settings link (signed, 15 minutes, single use) becomes a session. */
settings.get("/auth", async (c) => {
  const now = Date.now();
  const link = await verifyLoginToken(c.env.APP_SECRET, c.req.query("t") ?? "", now);
  const user = link ? await findUser(c.env.DB, link.u) : null;
  if (!link || !user || !(await redeemLoginNonce(c.env.DB, link, now))) {
    log.warn("app_login_refused", { reason: !link ? "invalid" : !user ? "no_user" : "replayed" });
    return c.html(<Unauthorized language="pl" />, 401);
  }
  await openSession(c, link.u, now);
  return c.redirect("/app", 303);
});

settings.get("/", async (c) => {
  const now = Date.now();
  const telegramId = await sessionUser(c, now);
  const user = telegramId === null ? null : await findUser(c.env.DB, telegramId);
  if (telegramId === null || !user) return c.html(<Unauthorized language="pl" />, 401);
  await openSession(c, telegramId, now);
  const searches = await listSearches(useDb(c.env.DB), user.id);
  return c.html(<SearchList searches={searches} language={user.language} />);
});
