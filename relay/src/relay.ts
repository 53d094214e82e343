/**
 * The relay (README.md here): one web-standard handler, so it runs the same
 * behind Node's HTTP server (main.ts), in its tests, and in the Worker's
 * tests and `npm start` as the far end of the relay fetcher. It fetches one
 * page per signed request, for the hosts it serves only (never an open
 * proxy), with the client it is given (impit in production: a browser's TLS
 * and HTTP/2 fingerprint), and answers the site's status in X-Relay-Status,
 * its headers and body. Its own refusals carry no X-Relay-Status.
 */
import { RELAY_HEADER, RELAY_PATH, relayRequestSchema, relayServes, verifyRelaySignature } from "../../src/lib/relay-protocol.ts";

/** Fetches one page: the client the relay exists for. */
export type SiteClient = (url: string, headers: Record<string, string>) => Promise<Response>;

export interface RelayOptions {
  /** RELAY_SECRET, shared with the Worker. */
  secret: string;
  /** Hosts served, each with its subdomains (RELAY_DEFAULT_HOSTS in production). */
  allowedHosts: readonly string[];
  client: SiteClient;
  clock?: () => number;
  /** One line per request (no secrets, no bodies); default console.log as JSON. */
  log?: (entry: Record<string, unknown>) => void;
}

/** A request body is a URL and a few headers: anything larger is not one. */
const MAX_BODY_BYTES = 16 * 1024;
/**
 * Headers the caller may not set: the client's own browser profile sends a
 * User-Agent and client hints that agree with its TLS fingerprint, and the
 * transport ones are the client's to decide.
 */
const CALLER_DROPPED = /^(user-agent|sec-ch-ua.*|host|connection|content-length|transfer-encoding|accept-encoding|proxy-.*|te|upgrade|cookie)$/i;
/** Not the page's: about the hop to us (the body comes decoded, its length may differ). */
const ANSWER_DROPPED = /^(connection|keep-alive|transfer-encoding|content-encoding|content-length|proxy-.*|te|trailer|upgrade)$/i;

function refusal(status: number, error: string): Response {
  return Response.json({ error }, { status });
}

export function createRelay(options: RelayOptions): (request: Request) => Promise<Response> {
  const clock = options.clock ?? Date.now;
  const log = options.log ?? ((entry) => console.log(JSON.stringify(entry)));
  return async function relay(request) {
    const url = new URL(request.url);
    if (url.pathname === "/healthz") return new Response("ok");
    if (url.pathname !== RELAY_PATH) return refusal(404, "not found");
    if (request.method !== "POST") return refusal(405, "POST only");
    const body = await request.text();
    if (body.length > MAX_BODY_BYTES) return refusal(413, "request too large");
    const verdict = await verifyRelaySignature(options.secret, request.headers.get(RELAY_HEADER.timestamp), request.headers.get(RELAY_HEADER.signature), body, clock());
    if (verdict !== "ok") {
      log({ event: "relay_refused", reason: verdict });
      return refusal(401, `signature ${verdict}`);
    }
    let asked;
    try {
      asked = relayRequestSchema.parse(JSON.parse(body));
    } catch {
      return refusal(400, "body is not {url, headers}");
    }
    const target = new URL(asked.url);
    if (!relayServes(target.hostname, options.allowedHosts)) {
      log({ event: "relay_refused", reason: "host", host: target.hostname });
      return refusal(403, `host ${target.hostname} is not served`);
    }
    const headers = Object.fromEntries(Object.entries(asked.headers).filter(([name]) => !CALLER_DROPPED.test(name)));
    const started = clock();
    let answer: Response;
    try {
      answer = await options.client(target.href, headers);
    } catch (error) {
      log({ event: "relay_site_failed", host: target.hostname, error: String(error) });
      return refusal(502, `site unreachable: ${String(error).slice(0, 200)}`);
    }
    log({ event: "relay_fetch", host: target.hostname, status: answer.status, ms: clock() - started });
    const out = new Headers();
    answer.headers.forEach((value, name) => {
      if (!ANSWER_DROPPED.test(name)) out.append(name, value);
    });
    out.set(RELAY_HEADER.status, String(answer.status));
    return new Response(answer.body, { status: 200, headers: out });
  };
}
