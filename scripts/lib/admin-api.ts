import { readVarsFile } from "./dev-vars.ts";

/**
 * Calls one of the Worker's /admin endpoints as the operator: PUBLIC_URL and
 * ADMIN_TOKEN from the environment, else .dev.vars (`--url` overrides the URL).
 * The token goes as a bearer header and is never printed.
 */
export async function adminCall(path: string, init: { method?: string; json?: unknown; url?: string } = {}): Promise<{ status: number; body: unknown }> {
  const vars = { ...readVarsFile(".dev.vars"), ...process.env };
  const base = init.url ?? vars.PUBLIC_URL;
  const token = vars.ADMIN_TOKEN;
  if (!base || !token) throw new Error("PUBLIC_URL (or --url) and ADMIN_TOKEN are needed (environment or .dev.vars)");
  const response = await fetch(new URL(path, base), {
    method: init.method ?? "GET",
    headers: { Authorization: `Bearer ${token}`, ...(init.json === undefined ? {} : { "content-type": "application/json" }) },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a 401 or 429 page): shown as text.
  }
  return { status: response.status, body };
}
