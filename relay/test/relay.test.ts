/**
 * The relay against a local fake site (fake OLX behind a fake CloudFront
 * that refuses non-browsers, sim/anti-bot.ts), through its real HTTP server
 * and impit, and the Worker's relay fetcher as its client. Node only: impit
 * is a native addon.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { after, before, test } from "node:test";
import { looksLikeBrowser, refuseNonBrowsers } from "../../sim/anti-bot.ts";
import { serve } from "../../sim/serve.ts";
import { createFakeSites } from "../../sim/world.ts";
import { RELAY_HEADER, RELAY_PATH, relaySignature } from "../../src/lib/relay-protocol.ts";
import { fetchPage } from "../../src/sources/fetch-page.ts";
import { olxAdapter } from "../../src/sources/olx/adapter.ts";
import { PageError } from "../../src/sources/parse-result.ts";
import { RelayError, relayFetcher } from "../../src/sources/relay-fetcher.ts";
import { impitClient } from "../src/impit-client.ts";
import { listen } from "../src/node-server.ts";
import { createRelay } from "../src/relay.ts";

const SECRET = "relay-test-secret-0123456789";
const CLOUDFRONT = readFileSync(new URL("../../test/fixtures/blocked/cloudfront-request-blocked-2025.html", import.meta.url), "utf8");
const FEED = { source: "olx", deal: "rent", property: "flat", region: null } as const;

const { olx } = createFakeSites({ initial: 5, now: Date.now() });
let admitRelay = true;
const gate = refuseNonBrowsers(olx.handle, "cloudfront", CLOUDFRONT, (request) => admitRelay && looksLikeBrowser(request));
const servers: Server[] = [];
let site = "";
let relay = "";
const entries: Record<string, unknown>[] = [];

const origin = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

before(async () => {
  const siteServer = await serve(gate.handle, 0);
  const relayServer = await listen(createRelay({ secret: SECRET, allowedHosts: ["127.0.0.1"], client: impitClient("chrome"), log: (e) => entries.push(e) }), 0, "127.0.0.1");
  servers.push(siteServer, relayServer);
  site = origin(siteServer);
  relay = origin(relayServer);
});
after(() => {
  for (const s of servers) s.close();
});

const searchRequest = () => olxAdapter.searchRequest(FEED, site, 1);

test("gets through a layer that refuses the Worker's own fetch, and the page parses as from the site", async () => {
  const direct = await fetchPage({ fetch: (r) => fetch(r) }, searchRequest()).catch((e: unknown) => e);
  assert.ok(direct instanceof PageError && direct.kind === "blocked", `direct: ${String(direct)}`);
  assert.match(String(direct.message), /answered by CloudFront|HTTP 403/);

  const page = await olxAdapter.parseSearch(await fetchPage(relayFetcher({ url: relay, secret: SECRET }), searchRequest()));
  assert.equal(page.listings.length, 5);
  assert.deepEqual(page.errors, []);
  assert.ok(entries.some((e) => e.event === "relay_fetch" && e.status === 200));
});

test("hands a block back as the site's answer: status, anti-bot headers and the page itself", async () => {
  admitRelay = false;
  try {
    const body = JSON.stringify({ url: searchRequest().url, headers: { accept: "application/json" } });
    const at = Date.now();
    const answer = await fetch(`${relay}${RELAY_PATH}`, {
      method: "POST",
      headers: { [RELAY_HEADER.timestamp]: String(at), [RELAY_HEADER.signature]: await relaySignature(SECRET, at, body) },
      body,
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get(RELAY_HEADER.status), "403");
    assert.equal(answer.headers.get("x-cache"), "Error from cloudfront");
    assert.equal(await answer.text(), CLOUDFRONT);
    // Through the Worker's fetcher, fetchPage judges it a block, as if fetched directly.
    const error = await fetchPage(relayFetcher({ url: relay, secret: SECRET }), searchRequest()).catch((e: unknown) => e);
    assert.ok(error instanceof PageError && error.kind === "blocked");
  } finally {
    admitRelay = true;
  }
});

test("refuses unsigned, forged and stale requests and hosts it does not serve, without asking any site", async () => {
  const before = olx.requests;
  const post = (headers: Record<string, string>, body: string) => fetch(`${relay}${RELAY_PATH}`, { method: "POST", headers, body });
  const body = JSON.stringify({ url: searchRequest().url, headers: {} });
  const now = Date.now();
  const cases: [string, Promise<Response>, number][] = [
    ["unsigned", post({}, body), 401],
    ["forged", post({ [RELAY_HEADER.timestamp]: String(now), [RELAY_HEADER.signature]: await relaySignature("another-secret", now, body) }, body), 401],
    ["stale", post({ [RELAY_HEADER.timestamp]: String(now - 120_000), [RELAY_HEADER.signature]: await relaySignature(SECRET, now - 120_000, body) }, body), 401],
  ];
  const elsewhere = JSON.stringify({ url: "https://example.com/", headers: {} });
  cases.push(["another host", post({ [RELAY_HEADER.timestamp]: String(now), [RELAY_HEADER.signature]: await relaySignature(SECRET, now, elsewhere) }, elsewhere), 403]);
  for (const [name, pending, status] of cases) {
    const answer = await pending;
    assert.equal(answer.status, status, name);
    assert.equal(answer.headers.get(RELAY_HEADER.status), null, `${name}: the relay's own answer, never the site's`);
  }
  assert.equal(olx.requests, before);
  // The Worker's fetcher turns the relay's refusal into a RelayError, not a block.
  const error = await relayFetcher({ url: relay, secret: "wrong-secret" }).fetch(searchRequest()).catch((e: unknown) => e);
  assert.ok(error instanceof RelayError && error.status === 401, String(error));
});

test("answers 502 when the site cannot be reached", async () => {
  const closed = await serve(() => new Response("never"), 0);
  const gone = origin(closed);
  await new Promise((resolve) => closed.close(resolve));
  const error = await relayFetcher({ url: relay, secret: SECRET }).fetch(new Request(`${gone}/api/v1/offers/`)).catch((e: unknown) => e);
  assert.ok(error instanceof RelayError && error.status === 502, String(error));
});
