import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index.ts";
import { issueLoginToken } from "../../src/account/login-link.ts";

/** A request to the real Worker, waiting for everything it started; `bindings` replace some of the env's. */
export async function request(path: string, init: RequestInit = {}, bindings: Partial<Env> = {}) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`https://getmeone.example${path}`, init), { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export const get = (path: string, cookie?: string) => request(path, { headers: cookie ? { cookie } : {} });

/** A form post as a browser sends it. */
export const post = (path: string, fields: Record<string, string>, cookie?: string) =>
  request(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
  });

/** The name=value part of a Set-Cookie header, as a browser would send it back. */
export const cookieOf = (response: Response) => response.headers.get("set-cookie")?.split(";")[0] ?? "";

/** Logs a Telegram user in through a fresh login link; returns the session cookie. */
export async function login(telegramId: number): Promise<string> {
  const token = await issueLoginToken(env.APP_SECRET, telegramId, Date.now());
  const response = await get(`/app/auth?t=${token}`);
  if (response.status !== 303) throw new Error(`login answered ${response.status}`);
  return cookieOf(response);
}

/** The CSRF token in a page's forms. */
export async function csrfOf(cookie: string): Promise<string> {
  const html = await (await get("/app", cookie)).text();
  const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error("no CSRF token on the page");
  return token;
}
