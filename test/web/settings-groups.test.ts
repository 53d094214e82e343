import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import { alice } from "../helpers/bot.ts";
import { csrfOf, get, login, post } from "../helpers/pages.ts";
import { cityId, resetDb, seedSearch, seedUser } from "../helpers/seed.ts";

beforeEach(async () => {
  await resetDb();
  await env.DB.batch([env.DB.prepare("DELETE FROM chats"), env.DB.prepare("DELETE FROM used_login_links")]);
});

const OURS = -4_001;
const STRANGERS = -4_002;
const LEFT = -4_003;

async function setup() {
  const ala = await seedUser({ telegramId: alice.id, language: "en" });
  const other = await seedUser({ telegramId: 888_001 });
  const insert = (chatId: number, title: string, addedBy: number, leftAt: number | null) =>
    env.DB.prepare("INSERT INTO chats (chat_id, title, type, added_by, left_at, updated_at) VALUES (?, ?, 'group', ?, ?, 0)").bind(chatId, title, addedBy, leftAt);
  await env.DB.batch([insert(OURS, "Us <two>", ala.id, null), insert(STRANGERS, "Strangers", other.id, null), insert(LEFT, "Gone", ala.id, 5)]);
  const search = await seedSearch(ala.id, { city: "warszawa", name: "Flat" });
  const cookie = await login(alice.id);
  const csrf = await csrfOf(cookie);
  const form = { csrf, name: "Flat", deal: "rent", property: "flat", source: "both", cityId: String(await cityId("warszawa")) };
  return { search, cookie, form };
}

const chatOf = (id: number) => env.DB.prepare("SELECT chat_id FROM saved_searches WHERE id = ?").bind(id).first<{ chat_id: number | null }>().then((r) => r?.chat_id);

describe("the settings page's Deliver to", () => {
  it("offers the private chat and the groups the user added the bot to, and saves a choice", async ({ expect }) => {
    const { search, cookie, form } = await setup();
    const html = await (await get(`/app/searches/${search.id}/edit`, cookie)).text();
    expect(html).toContain('<option value="" selected="">my private chat</option>');
    expect(html).toContain(`<option value="${OURS}">👥 Us &lt;two&gt;</option>`);
    expect(html).not.toContain("Strangers");
    expect(html).not.toContain("Gone");

    expect((await post(`/app/searches/${search.id}`, { ...form, chatId: String(OURS) }, cookie)).status).toBe(303);
    expect(await chatOf(search.id)).toBe(OURS);
    expect(await (await get("/app", cookie)).text()).toContain("→ 👥 Us &lt;two&gt;");
    expect(await (await get(`/app/searches/${search.id}/edit`, cookie)).text()).toContain(`<option value="${OURS}" selected="">`);

    // A form without the field leaves it; "" brings the search home.
    expect((await post(`/app/searches/${search.id}`, form, cookie)).status).toBe(303);
    expect(await chatOf(search.id)).toBe(OURS);
    expect((await post(`/app/searches/${search.id}`, { ...form, chatId: "" }, cookie)).status).toBe(303);
    expect(await chatOf(search.id)).toBeNull();

    expect((await post("/app/searches", { ...form, name: "New", chatId: String(OURS) }, cookie)).status).toBe(303);
    const created = await env.DB.prepare("SELECT chat_id FROM saved_searches WHERE name = 'New'").first();
    expect(created).toEqual({ chat_id: OURS });
  });

  it("refuses someone else's group, a group the bot left, and a forged id, with a clear error and nothing stored", async ({ expect }) => {
    const { search, cookie, form } = await setup();
    for (const chatId of [String(STRANGERS), String(LEFT), "-999999", "12345", "x'; DROP TABLE chats", "-1".repeat(40)]) {
      const refused = await post(`/app/searches/${search.id}`, { ...form, chatId }, cookie);
      expect(refused.status).toBe(422);
      expect(await refused.text()).toContain('id="chatId-error">you cannot send searches to that chat: choose your private chat or a group you use with the bot</div>');
      expect(await chatOf(search.id)).toBeNull();
    }
    expect((await post("/app/searches", { ...form, name: "New", chatId: String(STRANGERS) }, cookie)).status).toBe(422);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM saved_searches").first()).toEqual({ n: 1 });
  });
});
