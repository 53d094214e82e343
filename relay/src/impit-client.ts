import { type Browser, Impit } from "impit";
import type { SiteClient } from "./relay.ts";

/** How long one page may take, ms. */
const TIMEOUT_MS = 30_000;

/**
 * impit (Apify; Rust, rustls + patched HTTP/2): requests with the TLS
 * ClientHello, HTTP/2 settings and header set of the browser named, which is
 * what OLX's CloudFront and Otodom's DataDome judge a client by. Redirects
 * are not followed: one a site sends elsewhere goes back to the Worker as a
 * 3xx, so the relay never fetches a host it does not serve.
 */
export function impitClient(browser: Browser = "chrome"): SiteClient {
  const impit = new Impit({ browser, followRedirects: false, timeout: TIMEOUT_MS });
  return async (url, headers) => {
    const answer = await impit.fetch(url, { headers });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };
}
