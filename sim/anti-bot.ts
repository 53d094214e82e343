/**
 * A fake site's anti-bot layer, as OLX's CloudFront and Otodom's DataDome
 * behave toward a Worker: the real block page with its real status and
 * headers (test/fixtures/blocked/PROVENANCE.md) for a client it refuses, the
 * site itself for one it lets through. Web-standard, like the fakes it wraps.
 *
 * The real layers judge the client's TLS and HTTP/2 fingerprint, which a fake
 * over plain HTTP cannot see. `refuseNonBrowsers` judges what it can: the
 * Sec-Fetch-* headers every browser navigation carries (and impit's browser
 * impersonation sends), which neither a Worker's fetch nor Node's sends.
 */
import type { Handler } from "./serve.ts";

export type AntiBot = "cloudfront" | "datadome";

/** The block page of one layer as it was served (the page's text passed in: the fakes read no files). */
export function blockAnswer(kind: AntiBot, page: string): Response {
  const headers: Record<string, string> =
    kind === "cloudfront"
      ? { "content-type": "text/html", server: "CloudFront", "x-cache": "Error from cloudfront" }
      : { "content-type": "text/html;charset=utf-8", "x-datadome": "protected", "set-cookie": "datadome=fake-sim-cookie; Path=/; Secure; SameSite=Lax" };
  return new Response(page, { status: 403, headers });
}

/** A request a browser would have sent: a navigation's Sec-Fetch-Site and -Dest (Node's fetch sends Sec-Fetch-Mode alone). */
export function looksLikeBrowser(request: Request): boolean {
  return request.headers.has("sec-fetch-site") && request.headers.has("sec-fetch-dest");
}

export interface Gate {
  handle: Handler;
  /** Requests refused so far. */
  readonly refused: number;
  /** false: everyone gets through (the layer is off). Default true. */
  setActive(active: boolean): void;
}

/**
 * The site behind `kind`'s layer: a request `admit` lets through reaches
 * `site`, any other gets the block page.
 *
 * @example refuseNonBrowsers(olx.handle, "cloudfront", cloudfrontPage) // the Worker's direct fetch is refused, the relay's gets through
 */
export function refuseNonBrowsers(site: Handler, kind: AntiBot, page: string, admit: (request: Request) => boolean = looksLikeBrowser): Gate {
  let refused = 0;
  let active = true;
  return {
    handle(request) {
      if (!active || admit(request)) return site(request);
      refused++;
      return blockAnswer(kind, page);
    },
    get refused() {
      return refused;
    },
    setActive(on) {
      active = on;
    },
  };
}
