import { describe, it } from "vitest";
import type { FeedTarget } from "../../src/model/feed.ts";
import { adapters, readSearchPage } from "../../src/sources/index.ts";
import { assertNotBlocked, directFetcher, fetchPage, type PageFetcher } from "../../src/sources/fetch-page.ts";
import { PageError } from "../../src/sources/parse-result.ts";
import { fakeWeb } from "../helpers/fake-web.ts";
import { htmlResponse, jsonResponse, raw } from "./fixtures.ts";

/** The real block pages (test/fixtures/blocked/PROVENANCE.md): DataDome's captcha and CloudFront's "Request blocked". */
const CAPTCHA = raw.datadomeCaptcha2026;
const CLOUDFRONT = raw.cloudfrontBlocked2025;

describe("assertNotBlocked", () => {
  it("throws blocked on 403 and 429", async ({ expect }) => {
    for (const status of [403, 429]) {
      const error = await assertNotBlocked(new Response("x", { status, headers: { "retry-after": "30" } })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PageError);
      expect(error).toMatchObject({ kind: "blocked" });
      expect(String((error as Error).message)).toContain(`HTTP ${status}`);
    }
  });

  it("throws blocked on a small captcha page, with 503 or even 200", async ({ expect }) => {
    for (const status of [503, 200]) {
      const error = await assertNotBlocked(htmlResponse(CAPTCHA, status)).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "PageError", kind: "blocked" });
    }
  });

  it("recognises the real DataDome and CloudFront pages as blocks, with their statuses and headers, and without them", async ({ expect }) => {
    const served = [
      // As the provenance says they were served.
      new Response(CAPTCHA, { status: 403, headers: { "content-type": "text/html;charset=utf-8", "x-datadome": "protected", "set-cookie": "datadome=x" } }),
      new Response(CLOUDFRONT, { status: 403, headers: { "content-type": "text/html", server: "CloudFront", "x-cache": "Error from cloudfront" } }),
      // Other statuses a block comes with, and no telling headers: the page itself says it.
      htmlResponse(CAPTCHA, 200),
      htmlResponse(CLOUDFRONT, 503),
      // A failed answer the anti-bot layer signed, whatever its body.
      new Response("", { status: 502, headers: { "x-cache": "Error from cloudfront" } }),
      new Response("{}", { status: 400, headers: { "content-type": "application/json", "x-datadome": "protected" } }),
    ];
    for (const [i, response] of served.entries()) {
      const error = await assertNotBlocked(response, "www.otodom.pl").catch((e: unknown) => e);
      expect(error, `answer ${i}`).toMatchObject({ name: "PageError", kind: "blocked" });
    }
    // A good answer from behind DataDome carries its header too: not a block.
    const ok = jsonResponse(raw.olxGdansk2026);
    ok.headers.set("x-datadome", "protected");
    expect((await assertNotBlocked(ok)).status).toBe(200);
  });

  it("hands a real page on unconsumed and byte-identical", async ({ expect }) => {
    const page = await assertNotBlocked(htmlResponse(raw.otodomWarszawa2021));
    expect(page.bodyUsed).toBe(false);
    expect(await page.text()).toBe(raw.otodomWarszawa2021);
  });

  it("does not look into JSON, nor into a plain 503", async ({ expect }) => {
    const api = jsonResponse(raw.olxUzSearch);
    expect(await assertNotBlocked(api)).toBe(api);
    const down = await assertNotBlocked(htmlResponse("<html>Service Unavailable</html>", 503));
    expect(down.status).toBe(503);
    expect(await down.text()).toBe("<html>Service Unavailable</html>");
  });
});

/** A fetcher that only answers, as a new one (a relay, Browser Rendering) starts out: no checks of its own. */
function answering(respond: (request: Request) => Response): PageFetcher & { requests: Request[] } {
  const requests: Request[] = [];
  return {
    requests,
    async fetch(request) {
      requests.push(request);
      return respond(request);
    },
  };
}

const otodomFeed: FeedTarget = { source: "otodom", deal: "sale", property: "flat", region: null };
const feeds: FeedTarget[] = [{ source: "olx", deal: "rent", property: "flat", region: null }, otodomFeed];
const BASE = { olx: "https://www.olx.pl", otodom: "https://www.otodom.pl" } as const;

describe("directFetcher", () => {
  it("sends browser headers, keeps the request's own, and hands every answer back as it came", async ({ expect }) => {
    const web = fakeWeb({
      "https://www.olx.pl": (request) =>
        request.url.endsWith("/blocked") ? new Response("no", { status: 403 }) : jsonResponse({ data: [] }),
    });
    try {
      const ok = await directFetcher.fetch(new Request("https://www.olx.pl/api/v1/offers/", { headers: { Accept: "application/json" } }));
      expect(ok.status).toBe(200);
      const sent = web.requests[0];
      expect(sent?.headers.get("user-agent")).toMatch(/Chrome\/\d+/);
      expect(sent?.headers.get("accept-language")).toMatch(/^pl-PL/);
      expect(sent?.headers.get("accept")).toBe("application/json");
      // Judging the answer is fetchPage's, for every fetcher alike.
      expect((await directFetcher.fetch(new Request("https://www.olx.pl/blocked"))).status).toBe(403);
    } finally {
      web.restore();
    }
  });
});

describe("fetchPage", () => {
  it("judges any fetcher's answer: 403 and 429 are blocks, other non-2xx errors, named by the host asked", async ({ expect }) => {
    for (const status of [403, 429]) {
      const error = await fetchPage(answering(() => new Response("no", { status })), new Request("https://www.olx.pl/x")).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "PageError", kind: "blocked", message: `HTTP ${status} from www.olx.pl` });
    }
    const down = await fetchPage(answering(() => jsonResponse({}, 500)), new Request("https://www.olx.pl/x")).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(Error);
    expect(down).not.toBeInstanceOf(PageError);
    expect(down).toMatchObject({ message: "HTTP 500 from www.olx.pl" });
  });
});

describe("readSearchPage", () => {
  it("recognises a block page once per page, in fetchPage: the fetcher passes it on and the adapter does not look", async ({ expect }) => {
    const captcha = () => htmlResponse(CAPTCHA);
    // The adapter alone reads a captcha page as what it is to a parser: no data.
    expect(await adapters.otodom.parseSearch(captcha()).catch((e: unknown) => e)).toMatchObject({ kind: "format" });
    const fetcher = answering(captcha);
    const error = await readSearchPage(fetcher, otodomFeed, BASE.otodom, 1).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "PageError", kind: "blocked", message: 'anti-bot page from www.otodom.pl (HTTP 200, "captcha-delivery.com")' });
    expect(fetcher.requests).toHaveLength(1);
  });

  it("is blocked on 403 and 429 for every source, whatever the body", async ({ expect }) => {
    for (const feed of feeds) {
      for (const status of [403, 429]) {
        const body = feed.source === "olx" ? jsonResponse(raw.olxUzSearch, status) : htmlResponse(raw.otodomWarszawa2021, status);
        const error = await readSearchPage(answering(() => body), feed, BASE[feed.source], 1).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: "PageError", kind: "blocked" });
      }
    }
  });

  it("reads a good page through a bare fetcher", async ({ expect }) => {
    const page = await readSearchPage(answering(() => htmlResponse(raw.otodomWarszawa2021)), otodomFeed, BASE.otodom, 1);
    expect(page.listings).toHaveLength(36);
  });
});
