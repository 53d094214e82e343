import { secretMatches } from "../secret.ts";

const encoder = new TextEncoder();

/**
 * The CSRF token of a user's forms: HMAC-SHA256 of their Telegram id under
 * APP_SECRET. A cross-site form cannot know it; SameSite=Lax cookies are the
 * first line, this the second.
 */
export async function csrfToken(secret: string, telegramId: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(`csrf:${secret}`), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(String(telegramId)));
  return btoa(String.fromCharCode(...new Uint8Array(mac))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function csrfValid(secret: string, telegramId: number, presented: string | undefined): Promise<boolean> {
  return secretMatches(presented, await csrfToken(secret, telegramId));
}
