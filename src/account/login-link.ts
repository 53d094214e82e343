import { z } from "zod";
import { base64url, fromBase64url, hmacSha256 } from "../lib/hmac.ts";

/** How long a /settings link works; it also works only once. */
export const LOGIN_LINK_TTL_MS = 15 * 60 * 1000;

const payloadSchema = z.object({
  /** Telegram user id. */
  u: z.number().int().positive(),
  /** Expiry, ms since the epoch. */
  e: z.number().int(),
  /** Nonce: the link's identity for single use. */
  n: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
});
export type LoginLink = z.infer<typeof payloadSchema>;

const encoder = new TextEncoder();

/** A key of its own: the same APP_SECRET also signs CSRF tokens and session cookies. */
const keyOf = (secret: string) => `login-link:${secret}`;

/**
 * A signed login token for `<PUBLIC_URL>/app/auth?t=<token>`: who, until when,
 * and a nonce, HMAC-SHA256 signed with APP_SECRET.
 */
export async function issueLoginToken(secret: string, telegramId: number, now: number): Promise<string> {
  const nonce = base64url(crypto.getRandomValues(new Uint8Array(18)));
  const payload = base64url(encoder.encode(JSON.stringify({ u: telegramId, e: now + LOGIN_LINK_TTL_MS, n: nonce })));
  return `${payload}.${base64url(await hmacSha256(keyOf(secret), payload))}`;
}

/**
 * The token's content when its signature is right and it has not expired;
 * null otherwise. Single use is the caller's (it needs D1): src/db/used-login-links.ts redeemLoginNonce.
 */
export async function verifyLoginToken(secret: string, token: string, now: number): Promise<LoginLink | null> {
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined || !secret) return null;
  const signatureBytes = fromBase64url(signature);
  const payloadBytes = fromBase64url(payload);
  if (!signatureBytes || !payloadBytes) return null;
  const expected = new Uint8Array(await hmacSha256(keyOf(secret), payload));
  if (expected.length !== signatureBytes.length || !crypto.subtle.timingSafeEqual(expected, signatureBytes)) return null;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(payloadBytes));
  } catch {
    return null;
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success || parsed.data.e < now) return null;
  return parsed.data;
}
