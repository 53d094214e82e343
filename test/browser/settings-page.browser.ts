/**
 * The settings page as a person uses it: Debian's Chromium (playwright-core)
 * against the real Worker under `wrangler dev --local`, in a phone-sized
 * window. Opens a /settings login link, creates a search through the form,
 * sees it listed, edits it, deletes it, and checks D1 agrees at each step.
 * Screenshots of the list and the edit form go to test-artifacts/.
 *
 * Run: `npm run test:browser` (part of `npm test`). Needs /usr/bin/chromium:
 * `.ci/run` installs it (`apt-get install -y chromium`) when missing.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium, type Browser } from "playwright-core";
import { issueLoginToken } from "../../src/account/login-link.ts";
import { startWorker, waitForWorker, wranglerSync } from "../../sim/world.ts";
import { signInitData } from "../helpers/init-data.ts";

const CHROMIUM = "/usr/bin/chromium";
const PORT = 8799;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const SECRET = "browser-test-app-secret";
const TELEGRAM_ID = 4242;
const BOT_TOKEN = "100001:browser-test";
const ARTIFACTS = new URL("../../test-artifacts/", import.meta.url).pathname;

const persist = mkdtempSync(join(tmpdir(), "getmeone-browser-"));
let worker: ReturnType<typeof startWorker> | undefined;
let browser: Browser | undefined;

/** Rows from the local D1 the Worker uses. */
function d1(sql: string): Record<string, unknown>[] {
  const out = wranglerSync(["d1", "execute", "DB", "--local", "--persist-to", persist, "--json", "--command", sql], { quiet: true });
  const parsed = JSON.parse(out) as { results: Record<string, unknown>[] }[];
  return parsed[0]?.results ?? [];
}

const skip = !existsSync(CHROMIUM) && process.env.CI !== "true";

before(async () => {
  if (skip) return;
  wranglerSync(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], { quiet: true });
  d1(`INSERT INTO users (telegram_id, chat_id, language, created_at) VALUES (${TELEGRAM_ID}, ${TELEGRAM_ID}, 'en', 0)`);
  worker = startWorker({
    port: PORT,
    persistTo: persist,
    stdio: ["ignore", "ignore", "inherit"],
    vars: {
      APP_SECRET: SECRET,
      PUBLIC_URL: ORIGIN,
      TELEGRAM_MODE: "mock",
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: "browser-test-webhook",
      TELEGRAM_API_ROOT: "http://127.0.0.1:9",
    },
  });
  await waitForWorker(`${ORIGIN}/`, { timeoutMs: 60_000, child: worker });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  worker?.kill("SIGTERM");
  rmSync(persist, { recursive: true, force: true });
});

test("a user signs in with a /settings link and creates, edits and deletes a search", { skip: skip && "no /usr/bin/chromium (apt-get install -y chromium)" }, async () => {
  assert.ok(browser, "the browser started");
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();

  const token = await issueLoginToken(SECRET, TELEGRAM_ID, Date.now());
  await page.goto(`${ORIGIN}/app/auth?t=${token}`);
  assert.equal(new URL(page.url()).pathname, "/app");
  await page.getByText("You have no searches yet.").waitFor();

  await page.getByRole("link", { name: "New search" }).click();
  await page.getByLabel("Deal").selectOption("rent");
  await page.getByLabel("City").selectOption({ label: "Kraków" });
  await page.getByLabel("Price to").fill("3 500");
  await page.getByLabel("Rooms from").fill("2");
  await page.getByLabel("Districts (comma-separated)").fill("Podgórze, Dębniki");
  await page.getByLabel("Private owners only").check();
  await page.getByRole("button", { name: "Save" }).click();

  await page.getByText("flat · rent · Kraków · up to 3 500 zł").waitFor().catch(async () => {
    throw new Error(`not listed; the page says: ${await page.locator("main").innerText()}`);
  });
  let rows = d1(`SELECT id, price_max, rooms_min, districts, private_only FROM saved_searches`);
  assert.equal(rows.length, 1);
  assert.deepEqual({ ...rows[0], id: undefined }, { id: undefined, price_max: 3500, rooms_min: 2, districts: JSON.stringify(["Podgórze", "Dębniki"]), private_only: 1 });
  await page.screenshot({ path: join(ARTIFACTS, "settings-list.png"), fullPage: true });

  await page.getByRole("link", { name: "Edit" }).click();
  assert.equal(await page.getByLabel("Price to").inputValue(), "3500");
  // A mistake first: the message appears next to the field, nothing is stored.
  await page.getByLabel("Price from").fill("5000");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("Price from: the minimum is above the maximum").waitFor();
  await page.screenshot({ path: join(ARTIFACTS, "settings-edit-form.png"), fullPage: true });
  assert.equal(d1(`SELECT price_min FROM saved_searches`)[0]?.price_min, null);

  await page.getByLabel("Price from").fill("2000");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("2 000–3 500 zł").waitFor();
  rows = d1(`SELECT price_min, price_max FROM saved_searches`);
  assert.deepEqual(rows, [{ price_min: 2000, price_max: 3500 }]);

  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByText("You have no searches yet.").waitFor();
  assert.deepEqual(d1(`SELECT count(*) AS n FROM saved_searches`), [{ n: 0 }]);
  await context.close();
});

test("opened as a Telegram Mini App, the page signs in with initData and takes Telegram's theme", { skip: skip && "no /usr/bin/chromium" }, async () => {
  assert.ok(browser, "the browser started");
  // In an ordinary tab, launch parameters someone put in a link sign nobody in.
  const plain = await browser.newContext();
  const tab = await plain.newPage();
  const forged = await signInitData({ auth_date: String(Math.floor(Date.now() / 1000)), user: JSON.stringify({ id: TELEGRAM_ID, first_name: "Ala" }) }, BOT_TOKEN);
  await tab.goto(`${ORIGIN}/app#tgWebAppData=${encodeURIComponent(forged)}`);
  await tab.waitForLoadState("networkidle");
  assert.deepEqual((await plain.cookies()).map((c) => c.name), [], "no session from a plain tab");
  assert.match(await tab.locator("body").innerText(), /Wyślij \/settings do bota/);
  await plain.close();
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  // Telegram's side of the bridge, as mobile clients expose it: events out through
  // TelegramWebviewProxy.postEvent, main_button_pressed in through Telegram.WebView.receiveEvent.
  // Without it the page is an ordinary browser tab and signs nobody in from the fragment.
  await context.addInitScript(() => {
    const w = window as unknown as { events: [string, unknown][]; TelegramWebviewProxy: { postEvent(t: string, d: string): void } };
    w.events = [];
    w.TelegramWebviewProxy = { postEvent: (type, data) => void w.events.push([type, JSON.parse(data)]) };
  });
  const page = await context.newPage();
  const initData = await signInitData(
    { auth_date: String(Math.floor(Date.now() / 1000)), query_id: "AAHdF6IQAAAAAN0XohDhrOrc", user: JSON.stringify({ id: TELEGRAM_ID, first_name: "Ala", language_code: "pl" }) },
    BOT_TOKEN,
  );
  const theme = JSON.stringify({ bg_color: "#17212b", text_color: "#f5f5f5", button_color: "#5288c1", button_text_color: "#ffffff" });
  // How Telegram opens a Mini App: launch parameters in the fragment.
  await page.goto(`${ORIGIN}/app#tgWebAppData=${encodeURIComponent(initData)}&tgWebAppVersion=8.0&tgWebAppPlatform=android&tgWebAppThemeParams=${encodeURIComponent(theme)}`);
  await page.getByRole("heading", { name: "Your searches" }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/app");
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, "rgb(23, 33, 43)", "Telegram's bg_color, kept after the sign-in redirect");
  await page.screenshot({ path: join(ARTIFACTS, "mini-app-list.png"), fullPage: true });

  await page.goto(`${ORIGIN}/app/searches/new`);
  const events = () => page.evaluate(() => (window as unknown as { events: [string, unknown][] }).events);
  assert.deepEqual((await events()).find(([type]) => type === "web_app_setup_main_button"), ["web_app_setup_main_button", { is_visible: true, is_active: true, text: "Save" }]);
  await page.getByLabel("City").selectOption({ label: "Gdańsk" });
  await page.evaluate(() => (window as unknown as { Telegram: { WebView: { receiveEvent(t: string): void } } }).Telegram.WebView.receiveEvent("main_button_pressed"));
  await page.getByText("flat · rent · Gdańsk").waitFor();
  assert.deepEqual((await events()).find(([type]) => type === "web_app_setup_main_button"), ["web_app_setup_main_button", { is_visible: false }]);
  assert.deepEqual(d1(`SELECT count(*) AS n FROM saved_searches WHERE city_id = (SELECT id FROM locations WHERE slug = 'gdansk')`), [{ n: 1 }]);
  await context.close();
});
