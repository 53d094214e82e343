import { z } from "zod";
import { hmacSha256 } from "./hmac.ts";

/**
 * The relay protocol (relay/README.md), in one place for both ends: the
 * Worker's relay fetcher (src/sources/relay-fetcher.ts) and the relay itself
 * (relay/src/relay.ts). The Worker POSTs a page's URL and headers, signed
 * with the shared RELAY_SECRET; the relay fetches the page and answers with
 * the site's status in X-Relay-Status, the site's headers and body. An answer
 * without X-Relay-Status is the relay's own refusal (bad signature, a host it
 * does not serve, the site unreachable), never the site's.
 */

/** Where the relay listens for fetches. */
export const RELAY_PATH = "/fetch";

export const RELAY_HEADER = {
  /** ms since epoch when the Worker signed the request. */
  timestamp: "x-relay-timestamp",
  /** hex HMAC-SHA256 under RELAY_SECRET of `<timestamp>.<body>`. */
  signature: "x-relay-signature",
  /** On the relay's answer: the site's own status code. */
  status: "x-relay-status",
} as const;

/** How far the signer's clock may be from the relay's: a captured request replays for at most this long. */
export const RELAY_MAX_SKEW_MS = 60_000;

/** Sites a relay serves unless told otherwise (a host or any subdomain of one): it is not an open proxy. */
export const RELAY_DEFAULT_HOSTS = ["olx.pl", "otodom.pl"] as const;

/** The body the Worker sends. */
export const relayRequestSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).default({}),
});
export type RelayRequest = z.infer<typeof relayRequestSchema>;

/** The signature of one request body at one time. */
export async function relaySignature(secret: string, timestamp: number, body: string): Promise<string> {
  const mac = new Uint8Array(await hmacSha256(secret, `${timestamp}.${body}`));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

export type RelayVerdict = "ok" | "unsigned" | "stale" | "forged";

/** Whether a request was signed with the secret within RELAY_MAX_SKEW_MS of `now`. Constant time in the signature. */
export async function verifyRelaySignature(secret: string, timestamp: string | null, signature: string | null, body: string, now: number): Promise<RelayVerdict> {
  if (!timestamp || !signature || !/^\d{1,15}$/.test(timestamp)) return "unsigned";
  const at = Number(timestamp);
  if (Math.abs(now - at) > RELAY_MAX_SKEW_MS) return "stale";
  const expected = await relaySignature(secret, at, body);
  if (signature.length !== expected.length) return "forged";
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ signature.charCodeAt(i);
  return diff === 0 ? "ok" : "forged";
}

/** Whether `hostname` is one of `allowed` or a subdomain of one ("www.olx.pl" under "olx.pl"). */
export function relayServes(hostname: string, allowed: readonly string[]): boolean {
  const host = hostname.toLowerCase();
  return allowed.some((d) => host === d || host.endsWith(`.${d}`));
}
