import { RELAY_HEADER, RELAY_PATH, relaySignature } from "../lib/relay-protocol.ts";
import type { PageFetcher } from "./fetch-page.ts";

export interface RelayFetcherOptions {
  /** The relay's base URL (RELAY_URL), without a trailing slash. */
  url: string;
  /** RELAY_SECRET, shared with the relay. */
  secret: string;
  /** ms since epoch, for the signature's timestamp. */
  clock?: () => number;
}

/** A relay's own refusal (its answer carried no X-Relay-Status): the relay is down or misconfigured, the site never answered. */
export class RelayError extends Error {
  override readonly name = "RelayError";
  /** The relay's own status (401 bad signature, 403 host not served, 502 site unreachable...). */
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * Fetches through the operator's relay (relay/README.md): the page's URL and
 * the request's own headers go to the relay, signed; the site's status,
 * headers and body come back as if fetched here, for fetchPage to judge. No
 * browser headers are added: the relay's client brings a browser's headers
 * that agree with its TLS fingerprint.
 */
export function relayFetcher(options: RelayFetcherOptions): PageFetcher {
  const clock = options.clock ?? Date.now;
  return {
    async fetch(request) {
      const body = JSON.stringify({ url: request.url, headers: Object.fromEntries(request.headers) });
      const timestamp = clock();
      const answer = await fetch(`${options.url}${RELAY_PATH}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [RELAY_HEADER.timestamp]: String(timestamp),
          [RELAY_HEADER.signature]: await relaySignature(options.secret, timestamp, body),
        },
        body,
      });
      const status = Number(answer.headers.get(RELAY_HEADER.status));
      if (!Number.isInteger(status) || status < 200 || status > 599) {
        const reason = (await answer.text()).slice(0, 200);
        throw new RelayError(answer.status, `relay refused: HTTP ${answer.status} ${reason}`.trim());
      }
      const headers = new Headers(answer.headers);
      headers.delete(RELAY_HEADER.status);
      // These statuses carry no body; Response refuses one.
      const bodiless = status === 204 || status === 205 || status === 304;
      if (bodiless) await answer.body?.cancel();
      return new Response(bodiless ? null : answer.body, { status, headers });
    },
  };
}
