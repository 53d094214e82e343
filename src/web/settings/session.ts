import type { Context } from "hono";
import { getSignedCookie, setSignedCookie } from "hono/cookie";

/** The settings page's session cookie: who, until when, signed with APP_SECRET. */
const COOKIE = "gm_session";
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Starts (or renews: every page view rotates it) the session of a Telegram user. */
export async function openSession<E extends { Bindings: Env }>(c: Context<E>, telegramId: number, now: number): Promise<void> {
  await setSignedCookie(c, COOKIE, `${telegramId}.${now + SESSION_TTL_MS}`, c.env.APP_SECRET, {
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/app",
    maxAge: SESSION_TTL_MS / 1000,
  });
}

/** The Telegram user id of a valid, unexpired session; null otherwise (forged, tampered, old). */
export async function sessionUser<E extends { Bindings: Env }>(c: Context<E>, now: number): Promise<number | null> {
  if (!c.env.APP_SECRET) return null;
  const value = await getSignedCookie(c, c.env.APP_SECRET, COOKIE);
  const match = typeof value === "string" ? /^(\d{1,15})\.(\d{1,15})$/.exec(value) : null;
  if (!match || Number(match[2]) < now) return null;
  return Number(match[1]);
}
