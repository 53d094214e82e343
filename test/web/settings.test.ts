import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import worker from "../../src/index.ts";
import { LOGIN_LINK_TTL_MS, issueLoginToken } from "../../src/account/login-link.ts";
import { alice, chatWith } from "../helpers/bot.ts";
import { expectToContainAll } from "../helpers/expect-text.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { loadActiveSearches } from "../../src/db/saved-searches.ts";
import { signInitData } from "../helpers/init-data.ts";
import { cookieOf, csrfOf, get, login, post, request } from "../helpers/pages.ts";
import { cityId, resetDb, seedSearch, seedUser } from "../helpers/seed.ts";

beforeEach(async () => {
  await resetDb();
  await env.DB.prepare("DELETE FROM used_login_links").run();
});

const BOB = 777001;

async function aliceAndBob() {
  const a = await seedUser({ telegramId: alice.id, language: "pl" });
  const b = await seedUser({ telegramId: BOB, language: "en" });
  const aliceSearch = await seedSearch(a.id, { city: "warszawa", name: "", priceMax: 3500 });
  const bobSearch = await seedSearch(b.id, { city: "krakow", name: "Bob's secret search" });
  return { aliceSearch, bobSearch, aliceId: a.id };
}

const searchRows = (userId: number) =>
  env.DB.prepare("SELECT name, active, price_min, price_max, rooms_min, districts, city_id FROM saved_searches WHERE user_id = ? ORDER BY id").bind(userId).all().then((r) => r.results);

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
      badBase64: "abcde.f",
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

describe("Mini App login", () => {
  const user = JSON.stringify({ id: alice.id, first_name: "Ala", language_code: "pl" });

  it("opens a session for valid initData, and refuses forged, tampered or old data", async ({ expect }) => {
    await aliceAndBob();
    const now = Math.floor(Date.now() / 1000);
    const valid = await signInitData({ auth_date: String(now - 60), query_id: "AAH", user }, env.TELEGRAM_BOT_TOKEN);
    const ok = await post("/app/auth/telegram", { initData: valid });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("set-cookie")).toMatch(/^gm_session=/);
    expect((await get("/app", cookieOf(ok))).status).toBe(200);

    const cases = {
      forged: await signInitData({ auth_date: String(now), user }, "999:not-the-bot-token"),
      tampered: valid.replace(encodeURIComponent(String(alice.id)), encodeURIComponent(String(BOB))),
      old: await signInitData({ auth_date: String(now - 25 * 60 * 60), user }, env.TELEGRAM_BOT_TOKEN),
      missing: "",
    };
    for (const [name, initData] of Object.entries(cases)) {
      const response = await post("/app/auth/telegram", { initData });
      expect(response.status, name).toBe(401);
      expect(response.headers.get("set-cookie"), name).toBeNull();
    }
  });
});

describe("Mini App before /start", () => {
  it("registers a user whose valid initData arrives before they ever wrote to the bot, in their Telegram language", async ({ expect }) => {
    const now = Math.floor(Date.now() / 1000);
    const stranger = JSON.stringify({ id: 600600, first_name: "Ola", language_code: "en-US" });
    const initData = await signInitData({ auth_date: String(now - 5), user: stranger }, env.TELEGRAM_BOT_TOKEN);
    const response = await post("/app/auth/telegram", { initData });
    expect(response.status).toBe(303);
    const page = await get("/app", cookieOf(response));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('lang="en"');
    const row = await env.DB.prepare("SELECT chat_id, language, paused, blocked_at FROM users WHERE telegram_id = 600600").first();
    expect(row).toEqual({ chat_id: 600600, language: "en", paused: 0, blocked_at: null });
    // Forged data still registers nobody.
    const forged = await signInitData({ auth_date: String(now), user: JSON.stringify({ id: 600601, language_code: "pl" }) }, "1:other-bot");
    expect((await post("/app/auth/telegram", { initData: forged })).status).toBe(401);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE telegram_id = 600601").first("n")).toBe(0);
  });
});

describe("a deployment missing a secret", () => {
  /** The Worker with one of its secrets unset, as a deployment that forgot `wrangler secret put`. */
  async function requestWithout(secret: "APP_SECRET" | "TELEGRAM_BOT_TOKEN" | "TELEGRAM_WEBHOOK_SECRET", path: string, init: RequestInit = {}) {
    const ctx = createExecutionContext();
    const response = await worker.fetch(new Request(`https://getmeone.example${path}`, init), { ...env, [secret]: "" }, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }

  it("says which setting is missing instead of refusing every login as a forgery, and tells the admin chat once", async ({ expect }) => {
    await env.DB.prepare("DELETE FROM settings WHERE key LIKE 'alert:%'").run();
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const token = await issueLoginToken(env.APP_SECRET, alice.id, Date.now());
    for (let i = 0; i < 3; i++) {
      const response = await requestWithout("APP_SECRET", `/app/auth?t=${token}`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain("<code>APP_SECRET</code>");
    }
    const alerts = telegram.messages.filter((m) => m.chat_id === Number(env.ADMIN_CHAT_ID));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.text).toContain("APP_SECRET is not set");

    const miniApp = await requestWithout("TELEGRAM_BOT_TOKEN", "/app/auth/telegram", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "initData=x",
    });
    expect(miniApp.status).toBe(503);
    expect(await miniApp.text()).toContain("<code>TELEGRAM_BOT_TOKEN</code>");
    const hook = await requestWithout("TELEGRAM_WEBHOOK_SECRET", "/telegram/webhook", { method: "POST", body: "{}" });
    expect(hook.status).toBe(503);
  });
});

describe("the site's icon", () => {
  it("is served at /favicon.ico (browsers and the Mini App ask for it) and linked from the pages", async ({ expect }) => {
    const icon = await get("/favicon.ico");
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");
    expect(await icon.text()).toMatch(/^<svg /);
    expect(await (await get("/app")).text()).toContain('<link rel="icon" href="/favicon.svg"');
  });
});

describe("the settings page", () => {
  it("creates, edits, duplicates, pauses and deletes searches, with D1 agreeing at each step", async ({ expect }) => {
    const { aliceId, aliceSearch } = await aliceAndBob();
    const cookie = await login(alice.id);
    const csrf = await csrfOf(cookie);
    const krakow = String(await cityId("krakow"));
    const form = { csrf, name: "Kraków 2 pokoje", deal: "rent", property: "flat", source: "both", cityId: krakow, priceMin: "", priceMax: "3 500", roomsMin: "2", roomsMax: "2", districts: "Podgórze, Dębniki", privateOnly: "on" };

    expect((await get("/app/searches/new", cookie)).status).toBe(200);
    expect((await post("/app/searches", form, cookie)).status).toBe(303);
    let rows = await searchRows(aliceId);
    expect(rows.at(-1)).toMatchObject({ name: "Kraków 2 pokoje", price_max: 3500, rooms_min: 2, districts: JSON.stringify(["Podgórze", "Dębniki"]) });
    expect(await (await get("/app", cookie)).text()).toContain("Kraków 2 pokoje · mieszkanie · wynajem · Kraków");

    const edit = await get(`/app/searches/${aliceSearch.id}/edit`, cookie);
    expect(await edit.text()).toContain('value="3500"');
    expect((await post(`/app/searches/${aliceSearch.id}`, { ...form, name: "", cityId: krakow, priceMin: "2000", priceMax: "4000" }, cookie)).status).toBe(303);
    expect((await searchRows(aliceId))[0]).toMatchObject({ price_min: 2000, price_max: 4000 });

    // A point shared in the bot survives an edit on the page.
    await env.DB.prepare("UPDATE saved_searches SET lat = 52.19, lon = 21.03, radius_km = 2, price_per_m2_max = 20000 WHERE id = ?").bind(aliceSearch.id).run();
    const editPage = await (await get(`/app/searches/${aliceSearch.id}/edit`, cookie)).text();
    const field = (name: string) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(editPage)?.[1] ?? "";
    const resubmitted = { ...form, name: "", cityId: krakow, priceMin: "2000", priceMax: "4000", lat: field("lat"), lon: field("lon"), radiusKm: field("radiusKm"), pricePerM2Max: field("pricePerM2Max") };
    expect((await post(`/app/searches/${aliceSearch.id}`, resubmitted, cookie)).status).toBe(303);
    expect(await env.DB.prepare("SELECT lat, lon, radius_km, price_per_m2_max FROM saved_searches WHERE id = ?").bind(aliceSearch.id).first()).toEqual({
      lat: 52.19,
      lon: 21.03,
      radius_km: 2,
      price_per_m2_max: 20000,
    });

    expect((await post(`/app/searches/${aliceSearch.id}/duplicate`, { csrf }, cookie)).status).toBe(303);
    expect(await searchRows(aliceId)).toHaveLength(3);
    expect((await post(`/app/searches/${aliceSearch.id}/pause`, { csrf }, cookie)).status).toBe(303);
    expect((await searchRows(aliceId))[0]).toMatchObject({ active: 0 });
    expect((await post(`/app/searches/${aliceSearch.id}/delete`, { csrf }, cookie)).status).toBe(303);
    rows = await searchRows(aliceId);
    expect(rows).toHaveLength(2);

    expect((await post("/app/account", { csrf, paused: "on", language: "en", quietStart: "23:00", quietEnd: "07:00", digestThreshold: "5", priceDropPct: "7" }, cookie)).status).toBe(303);
    const account = () => env.DB.prepare("SELECT paused, language, quiet_start_min, quiet_end_min, digest_threshold, price_drop_pct FROM users WHERE id = ?").bind(aliceId).first();
    expect(await account()).toEqual({ paused: 1, language: "en", quiet_start_min: 23 * 60, quiet_end_min: 7 * 60, digest_threshold: 5, price_drop_pct: 7 });
    const page = await (await get("/app", cookie)).text();
    expect(page).toContain('name="quietStart" type="time" value="23:00"');

    // Refused settings are shown with their reasons and change nothing.
    const refused = await post("/app/account", { csrf, language: "pl", quietStart: "25:00", quietEnd: "", digestThreshold: "0", priceDropPct: "3.5" }, cookie);
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain('id="quietStart-error">enter a time as HH:MM, e.g. 23:00</div>');
    expect(html).toContain('id="digestThreshold-error">a number from 1 to 50, or empty</div>');
    expect(html).toContain('id="priceDropPct-error">a whole number from 1 to 50, or empty</div>');
    expect((await post("/app/account", { csrf, quietStart: "22:00", quietEnd: "" }, cookie)).status).toBe(422);
    expect(await account()).toEqual({ paused: 1, language: "en", quiet_start_min: 23 * 60, quiet_end_min: 7 * 60, digest_threshold: 5, price_drop_pct: 7 });
    // The filter hands them to the Notifier with the user's searches.
    const alices = async () => (await loadActiveSearches(env.DB, [Number(krakow)])).filter((s) => s.userId === aliceId);
    expect(await alices()).toEqual([]); // paused: nothing is matched for Alice
    await post("/app/account", { csrf, language: "en", quietStart: "23:00", quietEnd: "07:00", digestThreshold: "5", priceDropPct: "7" }, cookie);
    const [active] = await alices();
    expect(active?.recipient).toMatchObject({ quietHours: { startMin: 23 * 60, endMin: 7 * 60 }, digestThreshold: 5, priceDropPct: 7 });
  });

  it("shows each problem next to its field and stores nothing", async ({ expect }) => {
    const { aliceId } = await aliceAndBob();
    const cookie = await login(alice.id);
    const csrf = await csrfOf(cookie);
    const before = await searchRows(aliceId);
    const response = await post("/app/searches", { csrf, deal: "rent", property: "house", source: "olx", cityId: "", priceMin: "5000", priceMax: "3000", areaMin: "-5", roomsMin: "dwa" }, cookie);
    expect(response.status).toBe(422);
    const html = await response.text();
    expectToContainAll(expect, html, [
      '<div class="error" id="priceMin-error">Cena od: minimum jest większe niż maksimum</div>',
      'id="areaMin-error">Powierzchnia od: musi być większe od zera</div>',
      'id="roomsMin-error">Pokoje od: wpisz liczbę, np. 3500</div>',
      'id="cityId-error">Miasto: wybierz wartość</div>',
      'id="source-error">Serwis: na OLX szukam na razie tylko mieszkań; wybierz Otodom</div>',
      'aria-describedby="priceMin-error"',
      // What was typed comes back, escaped.
      'value="dwa"',
    ]);
    expect(await searchRows(aliceId)).toEqual(before);
  });

  it("refuses a state change without the form's CSRF token", async ({ expect }) => {
    const { aliceId, aliceSearch } = await aliceAndBob();
    const cookie = await login(alice.id);
    for (const csrf of [undefined, "forged"]) {
      const response = await post(`/app/searches/${aliceSearch.id}/delete`, csrf ? { csrf } : {}, cookie);
      expect(response.status).toBe(403);
    }
    expect(await searchRows(aliceId)).toHaveLength(1);
  });

  it("gives one user nothing of another's: every route with the other's ids is 404", async ({ expect }) => {
    const { bobSearch } = await aliceAndBob();
    const cookie = await login(alice.id);
    const csrf = await csrfOf(cookie);
    expect((await get(`/app/searches/${bobSearch.id}/edit`, cookie)).status).toBe(404);
    expect((await post(`/app/searches/${bobSearch.id}`, { csrf, deal: "rent", property: "flat", cityId: String(await cityId("krakow")) }, cookie)).status).toBe(404);
    for (const action of ["pause", "resume", "duplicate", "delete"]) {
      expect((await post(`/app/searches/${bobSearch.id}/${action}`, { csrf }, cookie)).status, action).toBe(404);
    }
    // Alice's CSRF token is hers: with Bob's session it is refused.
    const bobCookie = await login(BOB);
    expect((await post(`/app/searches/${bobSearch.id}/delete`, { csrf }, bobCookie)).status).toBe(403);
    expect(await searchRows((await env.DB.prepare("SELECT id FROM users WHERE telegram_id = ?").bind(BOB).first<{ id: number }>())?.id ?? 0)).toEqual([
      expect.objectContaining({ name: "Bob's secret search", active: 1 }),
    ]);
  });
});

describe("the flats page", () => {
  it("lists the flats the user was sent, each once with its price history, and nobody else's", async ({ expect }) => {
    const { aliceId } = await aliceAndBob();
    const bob = await env.DB.prepare("SELECT id FROM users WHERE telegram_id = ?").bind(BOB).first<{ id: number }>();
    const now = Date.now();
    // Alice's flat had two ads (OLX, then the Otodom cross-post, both sent or merged) and dropped 2 990 → 2 900.
    const listing = (id: number, source: string, title: string, flat: string) =>
      env.DB.prepare(
        `INSERT INTO listings (id, source, external_id, dedup_key, url, title, price, city, district, deal, property, flat_key, first_seen_at, last_seen_at, notify)
         VALUES (?, ?, ?, ?, ?, ?, 2900, 'Wrocław', 'Krzyki', 'rent', 'flat', ?, ?, ?, 1)`,
      ).bind(id, source, String(id), `${source}:${id}`, `https://example.test/${id}`, title, flat, now, now);
    const note = (userId: number, listingId: number, status: string, sentAt: number) =>
      env.DB.prepare("INSERT INTO notifications (user_id, listing_id, matched_at, sent_at, status) VALUES (?, ?, ?, ?, ?)").bind(userId, listingId, sentAt, sentAt, status);
    const price = (flat: string, value: number, at: number) =>
      env.DB.prepare("INSERT INTO flat_prices (flat_key, price, currency, listing_id, seen_at) VALUES (?, ?, 'PLN', 901, ?)").bind(flat, value, at);
    await env.DB.batch([
      listing(901, "olx", "2 pokoje - Plac Grunwaldzki", "olx:901"),
      listing(902, "otodom", "Plac Grunwaldzki, 2 pokoje", "olx:901"),
      listing(903, "olx", "Bob's flat", "olx:903"),
      note(aliceId, 901, "sent", now - 3_600_000),
      note(aliceId, 902, "merged", now - 1_800_000),
      note(bob?.id ?? 0, 903, "sent", now),
      price("olx:901", 2990, now - 3_600_000),
      price("olx:901", 2900, now - 1_800_000),
    ]);
    const cookie = await login(alice.id);
    const page = await get("/app/flats", cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html.match(/<li>/g)).toHaveLength(1);
    expectToContainAll(expect, html, ["2 pokoje - Plac Grunwaldzki", "Krzyki, Wrocław", "2 990 zł → 2 900 zł (−3 %)"]);
    expect(html).not.toContain("Bob");
    expect((await get("/app/flats")).status).toBe(401);
  });
});
