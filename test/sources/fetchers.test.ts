import { env } from "cloudflare:workers";
import { describe, it, onTestFinished } from "vitest";
import { createRelay } from "../../relay/src/relay.ts";
import { config } from "../../src/lib/config.ts";
import { RELAY_HEADER } from "../../src/lib/relay-protocol.ts";
import { type BrowserDriver, type DrivenBrowser, type DrivenPage, KEEP_ALIVE_MS, browserFetcher } from "../../src/sources/browser-fetcher.ts";
import { fetchPage } from "../../src/sources/fetch-page.ts";
import { createFetcher, fetcherChain } from "../../src/sources/fetchers.ts";
import { RelayError, relayFetcher } from "../../src/sources/relay-fetcher.ts";
import { fakeWeb } from "../helpers/fake-web.ts";
import { jsonResponse, raw } from "./fixtures.ts";

const RELAY = "https://relay.example.net";
const SECRET = "fetchers-test-secret";

describe("fetcher config", () => {
  it("reads each site's chain in order, once per name, and falls back to direct on anything unreadable", ({ expect }) => {
    expect(config({ OLX_FETCHERS: " Direct, relay,relay ,browser" }).olxFetchers).toEqual(["direct", "relay", "browser"]);
    expect(config({ OTODOM_FETCHERS: "direct,proxy" }).otodomFetchers).toEqual(["direct"]);
    expect(config({ OLX_FETCHERS: "" }).olxFetchers).toEqual(["direct"]);
    expect(config({}).fetcherQuietMin).toBe(360);
    expect(config({ RELAY_URL: "https://relay.example.net/" }).relayUrl).toBe(RELAY);
    expect(config({ RELAY_URL: "not a url" }).relayUrl).toBeNull();
  });

  it("leaves out of a chain what is not set up here, and never leaves it empty", ({ expect }) => {
    const bare = { OLX_FETCHERS: "relay,browser,direct", OTODOM_FETCHERS: "browser", RELAY_URL: "", RELAY_SECRET: "" };
    expect(fetcherChain(bare, "olx")).toEqual(["direct"]);
    expect(fetcherChain(bare, "otodom")).toEqual(["direct"]);
    const withRelay = { ...bare, RELAY_URL: RELAY, RELAY_SECRET: SECRET };
    expect(fetcherChain(withRelay, "olx")).toEqual(["relay", "direct"]);
    expect(fetcherChain({ ...withRelay, BROWSER: env.BROWSER }, "olx")).toEqual(["relay", "browser", "direct"]);
    expect(() => createFetcher("relay", bare)).toThrow(/RELAY_URL or RELAY_SECRET/);
  });
});

describe("relayFetcher", () => {
  /** The real relay handler (relay/src/relay.ts) at RELAY_URL, its client the fake site. */
  function relayTo(site: (request: Request) => Response) {
    const asked: Request[] = [];
    const relay = createRelay({
      secret: SECRET,
      allowedHosts: ["olx.pl", "otodom.pl"],
      client: async (url, headers) => {
        const request = new Request(url, { headers });
        asked.push(request);
        return site(request);
      },
      log: () => undefined,
    });
    const web = fakeWeb({ [RELAY]: relay });
    onTestFinished(() => web.restore());
    return { asked, web };
  }

  it("asks the relay, signed, for the page with its own headers, and hands the site's answer back as the site gave it", async ({ expect }) => {
    const { asked, web } = relayTo(() => jsonResponse(JSON.parse(raw.olxGdansk2026)));
    const response = await fetchPage(relayFetcher({ url: RELAY, secret: SECRET }), new Request("https://www.olx.pl/api/v1/offers/?offset=0", { headers: { Accept: "application/json" } }));
    expect(response.status).toBe(200);
    expect(response.headers.get(RELAY_HEADER.status)).toBeNull();
    expect(await response.json()).toEqual(JSON.parse(raw.olxGdansk2026));
    expect(web.requests[0]?.headers.get(RELAY_HEADER.signature)).toMatch(/^[0-9a-f]{64}$/);
    expect(asked.map((r) => [r.url, r.headers.get("accept")])).toEqual([["https://www.olx.pl/api/v1/offers/?offset=0", "application/json"]]);
  });

  it("a block through the relay is a block: the real DataDome page with its status and headers", async ({ expect }) => {
    relayTo(() => new Response(raw.datadomeCaptcha2026, { status: 403, headers: { "content-type": "text/html;charset=utf-8", "x-datadome": "protected" } }));
    const error = await fetchPage(relayFetcher({ url: RELAY, secret: SECRET }), new Request("https://www.otodom.pl/pl/wyniki")).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "PageError", kind: "blocked", message: "HTTP 403 from www.otodom.pl" });
  });

  it("a relay that refuses (wrong secret, a host it does not serve) is an error of the relay, never a block", async ({ expect }) => {
    const { asked } = relayTo(() => new Response("never"));
    const forged = await relayFetcher({ url: RELAY, secret: "wrong" }).fetch(new Request("https://www.olx.pl/")).catch((e: unknown) => e);
    expect(forged).toBeInstanceOf(RelayError);
    expect(forged).toMatchObject({ status: 401 });
    const elsewhere = await relayFetcher({ url: RELAY, secret: SECRET }).fetch(new Request("https://example.com/")).catch((e: unknown) => e);
    expect(elsewhere).toMatchObject({ name: "RelayError", status: 403 });
    expect(asked).toHaveLength(0);
  });
});

/** Puppeteer's surface as the browser fetcher uses it, answering from a script of documents. */
function fakeBrowserRendering(documents: { status: number; headers: Record<string, string>; body: string }[][]) {
  const calls: string[] = [];
  const sessions: { sessionId: string }[] = [];
  let next = 0;
  const answer = (d: { status: number; headers: Record<string, string>; body: string } | undefined) =>
    d ? { status: () => d.status, headers: () => d.headers, text: async () => d.body } : null;
  const browser = (sessionId: string): DrivenBrowser & { connected: boolean } => ({
    connected: true,
    sessionId: () => sessionId,
    async newPage(): Promise<DrivenPage> {
      const script = documents[next++] ?? [];
      return {
        async setExtraHTTPHeaders(h) {
          calls.push(`headers ${JSON.stringify(h)}`);
        },
        async goto(url) {
          calls.push(`goto ${url}`);
          return answer(script[0]);
        },
        async waitForNavigation() {
          calls.push("waitForNavigation");
          if (!script[1]) throw new Error("Navigation timeout of 15000 ms exceeded");
          return answer(script[1]);
        },
        async close() {
          calls.push("close");
        },
      };
    },
  });
  const launched: DrivenBrowser[] = [];
  const driver: BrowserDriver = {
    async sessions() {
      return sessions;
    },
    async connect(sessionId) {
      calls.push(`connect ${sessionId}`);
      return browser(sessionId);
    },
    async launch(keepAliveMs) {
      calls.push(`launch ${keepAliveMs}`);
      const b = browser(`s${launched.length + 1}`);
      launched.push(b);
      sessions.push({ sessionId: b.sessionId() });
      return b;
    },
  };
  return { driver, calls, sessions, launched };
}

const OTODOM_PAGE = { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: raw.otodomWarszawa2021 };
const CAPTCHA = { status: 403, headers: { "content-type": "text/html;charset=utf-8", "x-datadome": "protected", "set-cookie": "datadome=a\ndd_s=b" }, body: raw.datadomeCaptcha2026 };

describe("browserFetcher (Browser Rendering faked at Puppeteer's surface)", () => {
  it("launches one browser with keep_alive, then reuses it poll after poll", async ({ expect }) => {
    const br = fakeBrowserRendering([[OTODOM_PAGE], [OTODOM_PAGE]]);
    const fetcher = browserFetcher(br.driver);
    for (let i = 0; i < 2; i++) {
      const page = await fetchPage(fetcher, new Request("https://www.otodom.pl/pl/wyniki", { headers: { Accept: "text/html" } }));
      expect(await page.text()).toBe(raw.otodomWarszawa2021);
    }
    expect(br.calls.filter((c) => c.startsWith("launch") || c.startsWith("connect"))).toEqual([`launch ${KEEP_ALIVE_MS}`]);
    expect(br.calls.filter((c) => c === "close")).toHaveLength(2);
    expect(br.calls).toContain(`headers {"accept":"text/html"}`);
  });

  it("connects to an open session of the account before launching a browser of its own", async ({ expect }) => {
    const br = fakeBrowserRendering([[OTODOM_PAGE]]);
    br.sessions.push({ sessionId: "kept-alive" });
    await fetchPage(browserFetcher(br.driver), new Request("https://www.otodom.pl/pl/wyniki"));
    expect(br.calls.filter((c) => c.startsWith("launch") || c.startsWith("connect"))).toEqual(["connect kept-alive"]);
  });

  it("lets a challenge's script reload the page, and hands on a challenge that held as the block it is", async ({ expect }) => {
    const br = fakeBrowserRendering([[CAPTCHA, OTODOM_PAGE], [CAPTCHA]]);
    const fetcher = browserFetcher(br.driver);
    const passed = await fetchPage(fetcher, new Request("https://www.otodom.pl/pl/wyniki"));
    expect(await passed.text()).toBe(raw.otodomWarszawa2021);
    const held = await fetchPage(fetcher, new Request("https://www.otodom.pl/pl/wyniki")).catch((e: unknown) => e);
    expect(held).toMatchObject({ name: "PageError", kind: "blocked" });
    expect(br.calls.filter((c) => c === "waitForNavigation")).toHaveLength(2);
  });

  it("looks for a browser again after the one it held went away", async ({ expect }) => {
    const br = fakeBrowserRendering([[OTODOM_PAGE], [OTODOM_PAGE]]);
    const fetcher = browserFetcher(br.driver);
    await fetcher.fetch(new Request("https://www.otodom.pl/pl/wyniki"));
    const [first] = br.launched;
    if (first) (first as { connected: boolean }).connected = false; // its keep_alive ran out
    await fetcher.fetch(new Request("https://www.otodom.pl/pl/wyniki"));
    expect(br.calls.filter((c) => c.startsWith("launch") || c.startsWith("connect"))).toEqual([`launch ${KEEP_ALIVE_MS}`, "connect s1"]);
  });
});
