import { z } from "zod";
import { hmacSha256 } from "../../lib/hmac.ts";

const userSchema = z.looseObject({ id: z.number().int().positive(), language_code: z.string().optional() });

/**
 * Checks a Mini App's raw `initData` as Telegram specifies
 * (https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app):
 * the data-check string (every field but `hash`, sorted, `key=value` lines)
 * signed with HMAC-SHA256 under HMAC-SHA256("WebAppData", bot token), and
 * `auth_date` no older than `maxAgeS`.
 *
 * @returns the Telegram user it vouches for, or null
 */
export async function verifyInitData(
  initData: string,
  botToken: string,
  maxAgeS: number,
  nowMs: number,
): Promise<{ id: number; languageCode: string | null } | null> {
  if (!initData || initData.length > 4096 || !botToken) return null;
  const params = new URLSearchParams(initData);
  const hash = params.get("hash");
  if (!hash || !/^[0-9a-f]{64}$/.test(hash)) return null;
  const lines = [...params.entries()].filter(([key]) => key !== "hash").map(([key, value]) => `${key}=${value}`);
  lines.sort();
  const expected = await hmacSha256(await hmacSha256("WebAppData", botToken), lines.join("\n"));
  const presented = Uint8Array.from(hash.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  if (!crypto.subtle.timingSafeEqual(expected, presented)) return null;
  const authDate = Number(params.get("auth_date"));
  if (!Number.isInteger(authDate) || nowMs / 1000 - authDate > maxAgeS || authDate - nowMs / 1000 > 60) return null;
  try {
    const user = userSchema.safeParse(JSON.parse(params.get("user") ?? "null"));
    return user.success ? { id: user.data.id, languageCode: user.data.language_code ?? null } : null;
  } catch {
    return null;
  }
}
