import { base64url, hmacSha256 } from "../../lib/hmac.ts";
import { secretMatches } from "../secret.ts";

/**
 * The CSRF token of a user's forms: HMAC-SHA256 of their Telegram id under
 * APP_SECRET. A cross-site form cannot know it; SameSite=Lax cookies are the
 * first line, this the second.
 */
export async function csrfToken(secret: string, telegramId: number): Promise<string> {
  return base64url(await hmacSha256(`csrf:${secret}`, String(telegramId)));
}

export async function csrfValid(secret: string, telegramId: number, presented: string | undefined): Promise<boolean> {
  return secretMatches(presented, await csrfToken(secret, telegramId));
}
