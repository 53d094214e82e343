import type { Context } from "hono";
import { type Child, createContext, useContext } from "hono/jsx";
import type { SecureHeadersVariables } from "hono/secure-headers";

const PageNonce = createContext("");

/** The request's CSP nonce (src/web/security-headers.ts), for a page's one inline <style> and <script>. */
export const usePageNonce = () => useContext(PageNonce);

/** Renders a page with the request's nonce in reach of its components. */
export function renderPage<E extends { Variables: SecureHeadersVariables }>(c: Context<E>, page: Child, status: 200 | 401 | 422 = 200) {
  return c.html(<PageNonce.Provider value={c.get("secureHeadersNonce") ?? ""}>{page}</PageNonce.Provider>, status);
}
