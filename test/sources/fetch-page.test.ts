import { describe, it } from "vitest";
import { assertNotBlocked, directFetcher } from "../../src/sources/fetch-page.ts";
import { PageError } from "../../src/sources/parse-result.ts";
import { fakeWeb } from "../helpers/fake-web.ts";
import { htmlResponse, jsonResponse, raw } from "./fixtures.ts";

/** Synthetic challenge body: no real DataDome page was found in public code (see otodom/PROVENANCE.md). */
const CAPTCHA = '<html><body><script src="https://ct.captcha-delivery.com/c.js"></script></body></html>';

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

describe("directFetcher", () => {
  it("sends browser headers, keeps the request's own, and checks for blocks", async ({ expect }) => {
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
      const error = await directFetcher.fetch(new Request("https://www.olx.pl/blocked")).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "PageError", kind: "blocked" });
    } finally {
      web.restore();
    }
  });
});
