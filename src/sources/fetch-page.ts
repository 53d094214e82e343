import { PageError } from "./parse-result.ts";

/**
 * How the parser stage gets a page over the wire: `directFetcher` is plain
 * `fetch` from the Worker; another way (Browser Rendering, a relay, a fake in
 * tests) is one more object with this method. A fetcher only fetches: what
 * its answer means (a block, an error) is decided once, in fetchPage, for
 * every fetcher alike, so parsers never know which one it was.
 */
export interface PageFetcher {
  fetch(request: Request): Promise<Response>;
}

/**
 * Headers of a current desktop Chrome on Windows with a Polish locale.
 * A request's own headers win (the adapters set Accept per site).
 */
export const BROWSER_HEADERS: Readonly<Record<string, string>> = {
  "User-Agent":
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
  Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
  "Accept-Language": "pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7",
  "Sec-Ch-Ua": '"Chromium";v="142", "Google Chrome";v="142", "Not_A Brand";v="99"',
  "Sec-Ch-Ua-Mobile": "?0",
  "Sec-Ch-Ua-Platform": '"Windows"',
  "Upgrade-Insecure-Requests": "1",
};

/**
 * How long a site may take to start answering a page. Without a bound, a site
 * that takes the request and never answers holds the poll, and every listing
 * behind it, until the connection dies (a minute and more, `npm run chaos --
 * source-timeouts`); a real page starts coming in well under a second.
 */
export const PAGE_TIMEOUT_MS = 10_000;

/** Global fetch with browser headers, given up after PAGE_TIMEOUT_MS without an answer; the answer as it came (fetchPage judges it). */
export const directFetcher: PageFetcher = {
  async fetch(request) {
    const headers = new Headers(BROWSER_HEADERS);
    request.headers.forEach((value, name) => headers.set(name, value));
    // A timer cleared once the answer starts (not AbortSignal.timeout, whose timer outlives the poll).
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no answer from ${new URL(request.url).host} in ${PAGE_TIMEOUT_MS / 1000} s`)), PAGE_TIMEOUT_MS);
    try {
      return await fetch(new Request(request, { headers, signal: abort.signal }));
    } finally {
      clearTimeout(timer);
    }
  },
};

/**
 * Fetches a page through any fetcher and judges the answer, once: a block
 * (assertNotBlocked) throws PageError("blocked"), any other non-2xx an Error.
 * Every fetched page goes through here, so a new fetcher gets both checks
 * without writing them, and the adapters read only pages that passed.
 *
 * @returns the page to read on (see assertNotBlocked: possibly an equal Response with peeked bytes put back)
 */
export async function fetchPage(fetcher: PageFetcher, request: Request): Promise<Response> {
  // The asked-for host, not response.url: a relay's answer carries the relay's.
  const site = new URL(request.url).host;
  const response = await assertNotBlocked(await fetcher.fetch(request), site);
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status} from ${site}`);
  }
  return response;
}

/** Statuses that mean "you are blocked or throttled", whatever the body says. */
const BLOCK_STATUSES = new Set([403, 429]);
/** Text only anti-bot pages carry: DataDome (Otodom), CloudFront WAF (OLX), Cloudflare challenges. */
const BLOCK_MARKERS = [
  "captcha-delivery.com",
  "geo.captcha-delivery",
  "datadome",
  "the request could not be satisfied",
  "request blocked",
  "cf-chl-",
  "challenge-platform",
] as const;
/** The anti-bot layer whose headers a failed answer carries, or null (a 2xx from behind DataDome carries its header too). */
function antiBotHeader(headers: Headers): string | null {
  if (headers.has("x-datadome") || headers.has("x-datadome-cid")) return "DataDome";
  if (/error from cloudfront/i.test(headers.get("x-cache") ?? "")) return "CloudFront";
  return null;
}

/** What only a real page carries: the sites' embedded data scripts (lower-cased). */
const DATA_MARKERS = ['id="__next_data__"', "__prerendered_state__"] as const;
/** A challenge page is a few KB; a real listing page is hundreds. Only this much is looked at. */
const SNIFF_BYTES = 32 * 1024;

/**
 * Throws PageError("blocked") for a block: status 403 or 429; a failed answer
 * an anti-bot layer signed in its headers (DataDome's `X-DataDome`,
 * CloudFront's `X-Cache: Error from cloudfront`); or an HTML page (any status,
 * 503 included) whose body is small and carries an anti-bot marker. A good page is not consumed: at most its first 32 KB are peeked at
 * and put back, and a JSON or non-HTML answer is not looked at all.
 *
 * @param site who answered, for the message (default: the response's own host)
 * @returns the response to read on (the same one, or an equal one with the peeked bytes put back)
 */
export async function assertNotBlocked(response: Response, site = hostOf(response)): Promise<Response> {
  if (BLOCK_STATUSES.has(response.status)) {
    const retryAfter = response.headers.get("retry-after");
    await response.body?.cancel();
    throw new PageError(
      "blocked",
      `HTTP ${response.status} from ${site}${retryAfter ? ` (retry-after ${retryAfter})` : ""}`,
    );
  }
  const signedBy = response.ok ? null : antiBotHeader(response.headers);
  if (signedBy) {
    await response.body?.cancel();
    throw new PageError("blocked", `HTTP ${response.status} from ${site}, answered by ${signedBy}`);
  }
  const type = response.headers.get("content-type") ?? "";
  if (!/html/i.test(type) || !response.body) return response;

  const reader = response.body.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  while (size < SNIFF_BYTES) {
    const { done, value } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    head.push(value);
    size += value.byteLength;
  }
  // Only a page that ended within the peek can be a challenge page.
  if (ended) {
    const text = new TextDecoder().decode(concat(head, size)).toLowerCase();
    // A page that carries the site's own data is a real page, even a small one
    // (an empty result list): Otodom's config itself mentions DataDome.
    const hasData = DATA_MARKERS.some((m) => text.includes(m));
    const marker = hasData ? undefined : BLOCK_MARKERS.find((m) => text.includes(m));
    if (marker) throw new PageError("blocked", `anti-bot page from ${site} (HTTP ${response.status}, "${marker}")`);
  }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of head) controller.enqueue(chunk);
      if (ended) controller.close();
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function hostOf(response: Response): string {
  try {
    return new URL(response.url).host || "the site";
  } catch {
    return "the site";
  }
}
