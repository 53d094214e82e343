import { hmacSha256 } from "../../src/lib/hmac.ts";

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

/**
 * Signs Mini App initData as Telegram does (the documented algorithm,
 * independent of the verifier's data-check string code).
 */
export async function signInitData(fields: Record<string, string>, botToken: string): Promise<string> {
  const check = Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join("\n");
  const hash = hex(await hmacSha256(await hmacSha256("WebAppData", botToken), check));
  return new URLSearchParams({ ...fields, hash }).toString();
}
