import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import { FORM_BODY_LIMIT } from "../../src/web/app.ts";
import { FORM_FIELD_CHARS } from "../../src/searches/form.ts";
import { alice } from "../helpers/bot.ts";
import { csrfOf, get, login, post, request } from "../helpers/pages.ts";
import { cityId, resetDb, seedSearch, seedUser } from "../helpers/seed.ts";

beforeEach(async () => {
  await resetDb();
  await env.DB.prepare("DELETE FROM used_login_links").run();
});

const searchRows = (userId: number) =>
  env.DB.prepare("SELECT name, districts, include_keywords, exclude_keywords, price_max FROM saved_searches WHERE user_id = ? ORDER BY id").bind(userId).all().then((r) => r.results);

const cspOf = (response: Response) => response.headers.get("content-security-policy") ?? "";

describe("security headers", () => {
  it("are on every response, framing allowed to Telegram's web client on /app only, signed pages never cached", async ({ expect }) => {
    const user = await seedUser({ telegramId: alice.id });
    await seedSearch(user.id, { city: "warszawa" });
    const cookie = await login(alice.id);
    const pages: [string, Response, "app" | "admin" | "other"][] = [
      ["/", await get("/"), "other"],
      ["/favicon.ico", await get("/favicon.ico"), "other"],
      ["/nowhere (404)", await get("/nowhere"), "other"],
      ["webhook, forged", await request("/telegram/webhook", { method: "POST", body: "{}" }), "other"],
      ["/app without a session", await get("/app"), "app"],
      ["/app/auth, forged link", await get("/app/auth?t=forged"), "app"],
      ["/app", await get("/app", cookie), "app"],
      ["/app/searches/new", await get("/app/searches/new", cookie), "app"],
      ["/admin without the token", await get("/admin"), "admin"],
      ["/admin", await request("/admin", { headers: { Authorization: "Bearer test-admin-token" } }), "admin"],
    ];
    for (const [name, response, area] of pages) {
      const csp = cspOf(response);
      expect(csp, name).toContain("default-src 'none'");
      expect(response.headers.get("x-content-type-options"), name).toBe("nosniff");
      expect(response.headers.get("referrer-policy"), name).toBe("no-referrer");
      if (area === "app") {
        expect(csp, name).toContain("frame-ancestors 'self' https://web.telegram.org");
        expect(response.headers.get("x-frame-options"), name).toBeNull();
      } else {
        expect(csp, name).toContain("frame-ancestors 'none'");
        expect(response.headers.get("x-frame-options"), name).toBe("DENY");
      }
      if (area !== "other") expect(response.headers.get("cache-control"), name).toBe("no-store");
    }
  });

  it("lets only the page's own inline script and style run: the nonce in the policy is the one on the tags, new each time", async ({ expect }) => {
    await seedUser({ telegramId: alice.id });
    const cookie = await login(alice.id);
    const nonces = [];
    for (let i = 0; i < 2; i++) {
      const response = await get("/app", cookie);
      const nonce = /script-src 'nonce-([^']+)'/.exec(cspOf(response))?.[1];
      expect(nonce).toBeTruthy();
      expect(cspOf(response)).toContain(`style-src 'nonce-${nonce}'`);
      const html = await response.text();
      expect(html).toContain(`<script nonce="${nonce}">`);
      expect(html).toContain(`<style nonce="${nonce}">`);
      expect(html.match(/<script/g)).toHaveLength(1);
      nonces.push(nonce);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });
});

describe("hostile text in the settings forms", () => {
  it("stores HTML- and SQL-looking text in every free-text field as typed and shows it escaped", async ({ expect }) => {
    const user = await seedUser({ telegramId: alice.id });
    const cookie = await login(alice.id);
    const csrf = await csrfOf(cookie);
    const name = `<script>alert(1)</script>' OR 1=1;--`;
    const response = await post(
      "/app/searches",
      {
        csrf,
        name,
        deal: "rent",
        property: "flat",
        source: "both",
        cityId: String(await cityId("warszawa")),
        districts: `Mokotów"><img src=x onerror=alert(1)>`,
        includeText: `<b>balkon</b>, ' OR '1'='1, DROP TABLE users--`,
        excludeText: `" OR ""="`,
      },
      cookie,
    );
    expect(response.status).toBe(303);
    expect(await searchRows(user.id)).toEqual([
      {
        name,
        districts: JSON.stringify([`Mokotów"><img src=x onerror=alert(1)>`]),
        include_keywords: JSON.stringify(["<b>balkon</b>", "' OR '1'='1", "DROP TABLE users--"]),
        exclude_keywords: JSON.stringify([`" OR ""="`]),
        price_max: null,
      },
    ]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users").first()).toEqual({ n: 1 });
    const [list, edit] = [await (await get("/app", cookie)).text(), await (await get(`/app/searches/${await firstSearchId(user.id)}/edit`, cookie)).text()];
    for (const html of [list, edit]) {
      expect(html).not.toContain("<script>alert");
      expect(html).not.toContain("<img src=x");
      expect(html).not.toContain("<b>balkon");
    }
    expect(list).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(edit).toContain("&lt;b&gt;balkon&lt;/b&gt;");
  });

  it("refuses a field past its bound without reading it, and a body past the limit with 413; nothing is stored", async ({ expect }) => {
    const user = await seedUser({ telegramId: alice.id });
    const cookie = await login(alice.id);
    const csrf = await csrfOf(cookie);
    const city = String(await cityId("warszawa"));
    const form = { csrf, deal: "rent", property: "flat", source: "both", cityId: city };
    // The input that made the amount parser backtrack for seconds (bench/form-refusal.ts times it).
    const spaces = `1${" ".repeat(FORM_FIELD_CHARS.list)}x`;
    const fields = { priceMax: "Cena do: wpisz liczbę", name: "Nazwa: najwyżej", includeText: "Słowa wymagane: najwyżej", deal: "Rodzaj: nieprawidłowa wartość" };
    for (const [field, message] of Object.entries(fields)) {
      const response = await post("/app/searches", { ...form, [field]: spaces }, cookie);
      expect(response.status, field).toBe(422);
      expect(await response.text(), field).toContain(message);
    }
    const account = await post("/app/account", { csrf, quietStart: spaces, quietEnd: "07:00", language: "pl" }, cookie);
    expect(account.status).toBe(422);
    const huge = await post("/app/searches", { ...form, name: "x".repeat(FORM_BODY_LIMIT) }, cookie);
    expect(huge.status).toBe(413);
    expect(await searchRows(user.id)).toEqual([]);
    expect(await env.DB.prepare("SELECT quiet_start_min FROM users WHERE id = ?").bind(user.id).first()).toEqual({ quiet_start_min: null });
  });

  it("refuses the account form without the CSRF token", async ({ expect }) => {
    const user = await seedUser({ telegramId: alice.id });
    const cookie = await login(alice.id);
    expect((await post("/app/account", { paused: "on", language: "en" }, cookie)).status).toBe(403);
    expect(await env.DB.prepare("SELECT paused, language FROM users WHERE id = ?").bind(user.id).first()).toEqual({ paused: 0, language: "pl" });
  });
});

async function firstSearchId(userId: number): Promise<number> {
  const row = await env.DB.prepare("SELECT id FROM saved_searches WHERE user_id = ? ORDER BY id LIMIT 1").bind(userId).first<{ id: number }>();
  return row?.id ?? 0;
}
