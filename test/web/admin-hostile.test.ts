import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import worker from "../../src/index.ts";
import { ADMIN_SIGN_IN_LIMIT } from "../../src/web/admin/routes.tsx";
import type { NewListingsMessage } from "../../src/model/queue-message.ts";
import { sampleListing } from "../durable/seed.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { cookieOf, request } from "../helpers/pages.ts";
import { resetDb, seedSearch, seedUser, storeAsThePoller } from "../helpers/seed.ts";

beforeEach(async () => {
  await resetDb();
});

const signIn = (token: string, address = "203.0.113.7") =>
  request("/admin/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "CF-Connecting-IP": address },
    body: new URLSearchParams({ token }).toString(),
  });

describe("/admin sign-in", () => {
  it("limits guesses per address: 60 wrong tokens get 10 answers of 401, then 429 with Retry-After; other addresses are unaffected", async ({ expect }) => {
    const statuses: number[] = [];
    let retryAfter = "";
    for (let i = 0; i < 60; i++) {
      const response = await signIn(`guess-${i}`);
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get("retry-after") ?? "";
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(ADMIN_SIGN_IN_LIMIT.attempts);
    expect(statuses.slice(ADMIN_SIGN_IN_LIMIT.attempts).every((s) => s === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(ADMIN_SIGN_IN_LIMIT.windowMs / 1000);
    // Even the right token waits out the window from that address; a bearer guess counts the same.
    expect((await signIn("test-admin-token")).status).toBe(429);
    expect((await request("/admin", { headers: { Authorization: "Bearer test-admin-token", "CF-Connecting-IP": "203.0.113.7" } })).status).toBe(429);
    expect((await signIn("test-admin-token", "198.51.100.1")).status).toBe(303);
    // One row per address; once the window is over, the address may try again.
    expect(await env.DB.prepare("SELECT key, hits FROM rate_limits ORDER BY key").all().then((r) => r.results)).toEqual([
      { key: "admin-login:198.51.100.1", hits: 1 },
      { key: "admin-login:203.0.113.7", hits: 62 },
    ]);
    await env.DB.prepare("UPDATE rate_limits SET window_start = window_start - ?").bind(ADMIN_SIGN_IN_LIMIT.windowMs).run();
    expect((await signIn("test-admin-token")).status).toBe(303);
  });
});

/** A NEW_LISTINGS producer that keeps what it is given instead of delivering it. */
function capturingQueue() {
  const sent: NewListingsMessage[] = [];
  const queue = {
    send: async (body: NewListingsMessage) => void sent.push(body),
    sendBatch: async (messages: Iterable<{ body: NewListingsMessage }>) => {
      for (const m of messages) sent.push(m.body);
    },
  } as unknown as Queue;
  return { queue, sent };
}

async function deliver(messages: readonly NewListingsMessage[]) {
  const batch = createMessageBatch("getmeone-new-listings", messages.map((body) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

describe("dead letters", () => {
  it("are replayed once: a second replay sends nothing, and a message delivered twice still notifies each user once", async ({ expect }) => {
    const user = await seedUser({ isMock: true });
    await seedSearch(user.id, { city: "warszawa" });
    const ids = await storeAsThePoller([sampleListing(Date.now()), sampleListing(Date.now())], { seenAt: Date.now() });
    const lost: NewListingsMessage = { listingIds: ids, feedId: 1, enqueuedAt: Date.now() };
    // What the dead-letter queue's consumer keeps: one of ours, and one that is not.
    const { telegram } = installFakeTelegram(testClock());
    const dlq = createMessageBatch<unknown>("getmeone-new-listings-dlq", [
      { id: "m1", timestamp: new Date(), attempts: 6, body: lost },
      { id: "m2", timestamp: new Date(), attempts: 6, body: { hello: "world" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(dlq, env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM dead_letters").first()).toEqual({ n: 2 });
    expect(telegram.messages.map((m) => m.text)).toEqual([expect.stringContaining("2 message(s) failed every retry")]);

    const { queue, sent } = capturingQueue();
    const replay = () => request("/admin/dead-letters/replay", { method: "POST", headers: { Authorization: "Bearer test-admin-token" } }, { NEW_LISTINGS: queue });
    expect(await (await replay()).json()).toEqual({ replayed: 1, unreadable: 1, left: false });
    expect(await (await replay()).json()).toEqual({ replayed: 0, unreadable: 1, left: false });
    expect(sent).toEqual([lost]);

    // The replayed message, and the same again (two replays at once): each listing once for the user.
    for (const copy of [sent, sent]) expect((await deliver(copy)).explicitAcks).toHaveLength(1);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE user_id = ?").bind(user.id).first()).toEqual({ n: ids.length });
    expect(await env.DB.prepare("SELECT count(*) AS n FROM dead_letters WHERE replayed_at IS NULL").first()).toEqual({ n: 1 });
  });

  it("are replayed from /admin's button only with the page's CSRF token", async ({ expect }) => {
    await env.DB.prepare("INSERT INTO dead_letters (queue, body, attempts, received_at) VALUES ('getmeone-new-listings-dlq', ?, 6, 0)")
      .bind(JSON.stringify({ listingIds: [1], feedId: 1, enqueuedAt: 0 }))
      .run();
    const login = await signIn("test-admin-token");
    const cookie = cookieOf(login);
    const page = await (await request("/admin", { headers: { cookie } })).text();
    const csrf = /action="\/admin\/dead-letters\/replay"><input type="hidden" name="csrf" value="([^"]+)"/.exec(page)?.[1];
    expect(csrf).toBeTruthy();
    const { queue, sent } = capturingQueue();
    const press = (fields: Record<string, string>) =>
      request(
        "/admin/dead-letters/replay",
        { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() },
        { NEW_LISTINGS: queue },
      );
    expect((await press({})).status).toBe(403);
    expect((await press({ csrf: "forged" })).status).toBe(403);
    expect(sent).toEqual([]);
    expect((await press({ csrf: csrf ?? "" })).status).toBe(303);
    expect(sent).toHaveLength(1);
    expect((await request("/admin/dead-letters/replay", { method: "POST" }, { NEW_LISTINGS: queue })).status).toBe(401);
  });
});
