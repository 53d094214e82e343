import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import worker from "../../src/index.ts";
import { LOGIN_LINK_TTL_MS, issueLoginToken } from "../../src/web/settings/login-link.ts";
import { alice, chatWith } from "../helpers/bot.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { resetDb, seedSearch, seedUser } from "../helpers/seed.ts";

beforeEach(async () => {
  await resetDb();
  await env.DB.prepare("DELETE FROM used_login_links").run();
});

async function get(path: string, cookie?: string) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`https://getmeone.example${path}`, { headers: cookie ? { cookie } : {} }), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** The name=value part of a Set-Cookie header, as a browser would send it back. */
const cookieOf = (response: Response) => response.headers.get("set-cookie")?.split(";")[0] ?? "";

async function aliceAndBob() {
  const a = await seedUser({ telegramId: alice.id, language: "pl" });
  const b = await seedUser({ telegramId: 777001, language: "en" });
  await seedSearch(a.id, { city: "warszawa", name: "", priceMax: 3500 });
  await seedSearch(b.id, { city: "krakow", name: "Bob's secret search" });
}

describe("/settings and the settings page's login", () => {
  it("/settings sends a login link; it opens a session once, and the page shows only the user's own searches", async ({ expect }) => {
    await aliceAndBob();
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const chat = chatWith(telegram, clock);
    await chat.say("/settings");
    expect(chat.last()).toContain("Link działa 15 minut i tylko raz");
    const buttons = (telegram.messages.at(-1)?.reply_markup as { inline_keyboard: { url?: string; web_app?: unknown }[][] }).inline_keyboard.flat();
    // PUBLIC_URL is http in tests: Telegram takes Mini App buttons over HTTPS only.
    expect(buttons).toHaveLength(1);
    const link = new URL(buttons[0]?.url ?? "");
    expect(link.pathname).toBe("/app/auth");

    const login = await get(`${link.pathname}${link.search}`);
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/app");
    const setCookie = login.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^gm_session=/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("Secure");
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).toContain("Path=/app");

    const page = await get("/app", cookieOf(login));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("mieszkanie · wynajem · Warszawa · do 3 500 zł");
    expect(html).not.toContain("Bob");
    // Every view rotates the cookie.
    expect(page.headers.get("set-cookie")).toMatch(/^gm_session=/);

    // The same link again: refused, no cookie.
    const replay = await get(`${link.pathname}${link.search}`);
    expect(replay.status).toBe(401);
    expect(replay.headers.get("set-cookie")).toBeNull();
    expect(await replay.text()).toContain("Wyślij /settings");
  });

  it("refuses forged, tampered and expired links, and pages without a valid session", async ({ expect }) => {
    await aliceAndBob();
    const now = Date.now();
    const good = await issueLoginToken(env.APP_SECRET, alice.id, now);
    const [payload = "", signature = ""] = good.split(".");
    const flipped = `${payload.slice(0, -2)}${payload.at(-2) === "A" ? "B" : "A"}${payload.at(-1)}.${signature}`;
    const cases = {
      forged: await issueLoginToken("not-our-secret", alice.id, now),
      tampered: flipped,
      expired: await issueLoginToken(env.APP_SECRET, alice.id, now - LOGIN_LINK_TTL_MS - 1000),
      unknownUser: await issueLoginToken(env.APP_SECRET, 999_999_999, now),
      garbage: "x.y.z",
      empty: "",
    };
    for (const [name, token] of Object.entries(cases)) {
      const response = await get(`/app/auth?t=${encodeURIComponent(token)}`);
      expect(response.status, name).toBe(401);
      expect(response.headers.get("set-cookie"), name).toBeNull();
    }
    expect(await env.DB.prepare("SELECT count(*) AS n FROM used_login_links").first()).toEqual({ n: 0 });
    expect((await get("/app")).status).toBe(401);
    expect((await get("/app", `gm_session=${alice.id}.${now + 60_000}.forged`)).status).toBe(401);
  });
});
