import type { MiddlewareHandler } from "hono";
import { NONCE, type SecureHeadersVariables, secureHeaders } from "hono/secure-headers";

/**
 * Where the settings page may be framed: Telegram's web clients (Web K at
 * web.telegram.org/k, Web A at /a) open a Mini App in an iframe of
 * https://web.telegram.org, the page's own script talks to that origin only;
 * the mobile and desktop clients open it in a webview, which frames nothing.
 */
export const MINI_APP_FRAME_ANCESTORS = ["'self'", "https://web.telegram.org"];

/**
 * One policy for the server-rendered pages: nothing loads but the page itself,
 * its one inline style and script (by the request's nonce), and its icon;
 * forms post only here; no plugin, no <base>.
 */
const pagePolicy = (frameAncestors: string[]) => ({
  defaultSrc: ["'none'"],
  scriptSrc: [NONCE],
  styleSrc: [NONCE],
  imgSrc: ["'self'"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  frameAncestors,
});

// Referrer-Policy no-referrer (hono's default) matters here: a /settings link carries its token in the URL.
const settingsHeaders = secureHeaders({
  contentSecurityPolicy: pagePolicy(MINI_APP_FRAME_ANCESTORS),
  // X-Frame-Options cannot name web.telegram.org; frame-ancestors says who may frame the page.
  xFrameOptions: false,
  // A resource policy of same-origin could keep the page out of web.telegram.org's frame.
  crossOriginResourcePolicy: false,
});

const adminHeaders = secureHeaders({ contentSecurityPolicy: pagePolicy(["'none'"]), xFrameOptions: "DENY" });

/** The webhook, the favicon, the root: nothing to run, nothing to frame. */
const otherHeaders = secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] }, xFrameOptions: "DENY" });

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/**
 * Security headers on every response (hono/secure-headers), by area: the
 * settings page may be framed by Telegram's web client, /admin by nobody. The
 * pages of both are personal or signed: Cache-Control no-store, so no shared
 * cache or back button keeps one.
 */
export function securityHeaders(): MiddlewareHandler<{ Bindings: Env; Variables: SecureHeadersVariables }> {
  return async function securityHeadersMiddleware(c, next) {
    const path = new URL(c.req.url).pathname;
    const personal = under(path, "/app") || under(path, "/admin");
    const headers = under(path, "/app") ? settingsHeaders : under(path, "/admin") ? adminHeaders : otherHeaders;
    await headers(c, next);
    if (personal) c.header("Cache-Control", "no-store");
  };
}
