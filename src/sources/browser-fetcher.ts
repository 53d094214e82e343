import puppeteer from "@cloudflare/puppeteer";
import { log } from "../lib/log.ts";
import type { PageFetcher } from "./fetch-page.ts";

/**
 * The part of Puppeteer the browser fetcher uses, so the fetcher runs on
 * Cloudflare Browser Rendering (puppeteerDriver) and in tests on a fake with
 * the same surface (no local Chromium is reachable from workerd offline).
 */
export interface BrowserDriver {
  /** The account's open browser sessions. */
  sessions(): Promise<readonly { sessionId: string }[]>;
  connect(sessionId: string): Promise<DrivenBrowser>;
  /** A new browser that stays up `keepAliveMs` after its last command. */
  launch(keepAliveMs: number): Promise<DrivenBrowser>;
}

export interface DrivenBrowser {
  readonly connected: boolean;
  sessionId(): string;
  newPage(): Promise<DrivenPage>;
}

export interface DrivenPage {
  setExtraHTTPHeaders(headers: Record<string, string>): Promise<void>;
  goto(url: string, options: NavigationOptions): Promise<DrivenResponse | null>;
  waitForNavigation(options: NavigationOptions): Promise<DrivenResponse | null>;
  close(): Promise<void>;
}

interface NavigationOptions {
  waitUntil: "domcontentloaded";
  timeout: number;
}

export interface DrivenResponse {
  status(): number;
  /** Lower-case names; repeated headers joined by newlines. */
  headers(): Record<string, string>;
  text(): Promise<string>;
}

/**
 * Browser Rendering keeps an idle browser this long (its maximum, 10 min):
 * polls a few seconds apart keep one browser busy, and a poller evicted
 * between polls finds it again through sessions().
 */
export const KEEP_ALIVE_MS = 10 * 60_000;
const NAVIGATION_TIMEOUT_MS = 30_000;
/** How long an anti-bot challenge's script gets to pass and reload the page. */
const CHALLENGE_WAIT_MS = 15_000;
/** Sessions tried before launching a browser of our own. */
const MAX_CONNECT_TRIES = 3;
/** What a challenge answers before its script has run: the page then reloads itself if it passed. */
const CHALLENGE_STATUSES = new Set([403, 429]);

/** Puppeteer on the BROWSER binding (Cloudflare's fork, `@cloudflare/puppeteer`). */
export function puppeteerDriver(binding: Env["BROWSER"]): BrowserDriver {
  return {
    sessions: () => puppeteer.sessions(binding),
    connect: (sessionId) => puppeteer.connect(binding, sessionId),
    launch: (keepAliveMs) => puppeteer.launch(binding, { keep_alive: keepAliveMs }),
  };
}

/**
 * Fetches with a real Chromium: the page is navigated to (so an anti-bot
 * script served instead runs, and may let the page through on reload), and
 * the main document's status, headers and body are handed back for
 * fetchPage to judge, as from any fetcher. One browser is kept and reused
 * across polls: the one this fetcher holds, else an open session of the
 * account (sessions take several connections), else a new one with
 * KEEP_ALIVE_MS. Cookies an anti-bot set stay in the browser for the next poll.
 */
export function browserFetcher(driver: BrowserDriver): PageFetcher {
  let browser: DrivenBrowser | null = null;

  async function session(): Promise<DrivenBrowser> {
    if (browser?.connected) return browser;
    browser = null;
    for (const { sessionId } of (await driver.sessions()).slice(0, MAX_CONNECT_TRIES)) {
      try {
        browser = await driver.connect(sessionId);
        return browser;
      } catch (error) {
        // Closed since it was listed: the next one, or a browser of our own.
        log.warn("browser_connect_failed", { sessionId, error: String(error) });
      }
    }
    browser = await driver.launch(KEEP_ALIVE_MS);
    log.info("browser_launched", { sessionId: browser.sessionId() });
    return browser;
  }

  return {
    async fetch(request) {
      const page = await (await session()).newPage();
      try {
        // The request's own headers (Accept per site); the browser brings the rest, its own.
        await page.setExtraHTTPHeaders(Object.fromEntries(request.headers));
        const options: NavigationOptions = { waitUntil: "domcontentloaded", timeout: NAVIGATION_TIMEOUT_MS };
        let answer = await page.goto(request.url, options);
        if (answer && CHALLENGE_STATUSES.has(answer.status())) {
          // No reload in time: the challenge held, and its answer is what fetchPage sees.
          answer = (await page.waitForNavigation({ ...options, timeout: CHALLENGE_WAIT_MS }).catch(() => null)) ?? answer;
        }
        if (!answer) throw new Error(`browser: no document answered ${request.url}`);
        return new Response(await answer.text(), { status: answer.status(), headers: toHeaders(answer.headers()) });
      } catch (error) {
        // A browser that failed us may be gone: the next poll looks again.
        if (!browser?.connected) browser = null;
        throw error;
      } finally {
        await page.close().catch(() => undefined);
      }
    },
  };
}

/** Puppeteer joins repeated headers (Set-Cookie) with newlines, which Headers refuses. */
function toHeaders(raw: Record<string, string>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) for (const line of value.split("\n")) headers.append(name, line);
  return headers;
}
