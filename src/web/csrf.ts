import { base64url, hmacSha256 } from "../lib/hmac.ts";
import { secretMatches } from "./secret.ts";

/**
 * The CSRF token of a signed-in browser's forms: HMAC-SHA256 of who it is (a
 * user's Telegram id, or "admin") under APP_SECRET. A cross-site form cannot
 * know it; SameSite cookies are the first line, this the second.
 */
export async function csrfToken(secret: string, subject: number | "admin"): Promise<string> {
  return base64url(await hmacSha256(`csrf:${secret}`, String(subject)));
}

export async function csrfValid(secret: string, subject: number | "admin", presented: string | undefined): Promise<boolean> {
  return secretMatches(presented, await csrfToken(secret, subject));
}
