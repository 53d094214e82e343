import { env } from "cloudflare:workers";
import fc from "fast-check";
import { afterEach, beforeEach, describe, it, vi } from "vitest";
import { STEPS } from "../../src/bot/wizard/flow.ts";
import { draftOf, listSearches } from "../../src/db/saved-searches.ts";
import { validateDraft } from "../../src/model/search.ts";
import { UPDATE_BODY_LIMIT } from "../../src/web/webhook.ts";
import { type TelegramUser, postUpdate, textMessage } from "../helpers/bot.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { db, resetDb } from "../helpers/seed.ts";

/**
 * Property-based: Telegram updates of every kind the bot may get, with the
 * valid secret, through the real webhook, bot, D1 and a fake Bot API. Whatever
 * arrives, the webhook answers 200, no handler fails, and D1 holds only whole
 * things: users, searches that validate and belong to one, flows the bot can read.
 */

/** Updates per run: 10 000, as issue 15 asks (each through the whole stack; see docs/RELIABILITY.md for the time). */
const RUNS = 10_000;
const DATE = 1_764_000_000; // s

const senders: TelegramUser[] = [
  { id: 610001, is_bot: false, first_name: "Ala", language_code: "pl" },
  { id: 610002, is_bot: false, first_name: "Bob", language_code: "en" },
  { id: 610003, is_bot: false, first_name: "<b>Ewa</b>" },
  { id: 610004, is_bot: false, first_name: "'; DROP TABLE users;--", language_code: "uk" },
];

const COMMANDS = ["/start", "/new", "/list", "/pause", "/resume", "/delete", "/settings", "/help", "/lang", "/cancel", "/stats", "/frobnicate"];
const HOSTILE = [
  "<script>alert(1)</script>",
  "'; DROP TABLE saved_searches; --",
  "\" OR 1=1 --",
  "<b>unclosed",
  "&amp;&lt;",
  "1 000 000 000 000 000 zł",
  "-5",
  "od 5000 do 3000",
  "𝕎𝕣𝕠𝕔𝕝𝕒𝕨 🏠 Kraków ĄĘŁŃÓŚŹŻ",
  "\u0000\u202e\u200b",
  "https://www.otodom.pl/pl/wyniki/wynajem/mieszkanie/mazowieckie/warszawa/warszawa/warszawa?priceMax=3000",
  "https://www.olx.pl/nieruchomosci/mieszkania/wynajem/wroclaw/?search%5Bfilter_float_price%3Ato%5D=3000",
  "https://evil.example/pl/wyniki",
];

const sender = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...senders) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 ** 40 }).map((id): TelegramUser => ({ id, is_bot: false, first_name: "x" })) });
const text = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...COMMANDS), fc.oneof(fc.constant(""), fc.string({ maxLength: 30 }), fc.integer().map(String))).map(([c, a]) => (a ? `${c} ${a}` : c)) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 3, arbitrary: fc.string({ maxLength: 80, unit: "grapheme" }) },
  { weight: 2, arbitrary: fc.constantFrom("wynajem", "sprzedaż", "mieszkanie", "Warszawa", "Krakow", "3000", "2-3", "-", "40-60", "tak", "nie", "balkon -parter") },
  { weight: 1, arbitrary: fc.string({ minLength: 1001, maxLength: 5000 }) },
);
const callbackData = fc.oneof(
  // Save, after a pasted link or a finished wizard: so some updates write searches, for the invariants to check.
  fc.constantFrom("w:confirm:save", "w:confirm:edit", "w:confirm:cancel"),
  fc.tuple(fc.constantFrom(...STEPS, "save", "edit", "cancel", "back"), fc.oneof(fc.constantFrom("rent", "sale", "flat", "house", "olx", "otodom", "both", "any", "yes", "no"), fc.string({ minLength: 1, maxLength: 45 }))).map(([s, v]) => `w:${s}:${v}`),
  fc.tuple(fc.constantFrom(..."predDkx"), fc.integer({ min: 0, max: 10 ** 13 })).map(([a, id]) => `s:${a}:${id}`),
  fc.integer({ min: 0, max: 10 ** 13 }).map((id) => `m:${id}`),
  fc.string({ maxLength: 64 }),
);
const chatOf = (from: TelegramUser) => ({ id: from.id, first_name: from.first_name, type: "private" });
const member = (status: string) => ({ user: { id: 123456, is_bot: true, first_name: "GetMeOne" }, status });

/** One update of any kind, without its update_id (given in order, as Telegram does). */
const update = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(sender, text).map(([from, t]) => ({ message: textMessage(t, from).message })) },
  {
    weight: 4,
    arbitrary: fc.tuple(sender, callbackData).map(([from, data]) => ({
      callback_query: { id: `cq-${from.id}`, from, chat_instance: "-1", data, message: { message_id: 1, from: member("member").user, chat: chatOf(from), date: DATE, text: "…" } },
    })),
  },
  { weight: 1, arbitrary: fc.tuple(sender, text).map(([from, t]) => ({ edited_message: { ...textMessage(t, from).message, edit_date: DATE + 5 } })) },
  {
    weight: 1,
    arbitrary: fc.tuple(sender, fc.constantFrom("kicked", "member", "left", "administrator")).map(([from, status]) => ({
      my_chat_member: { chat: chatOf(from), from, date: DATE, old_chat_member: member("member"), new_chat_member: member(status) },
    })),
  },
  { weight: 1, arbitrary: fc.tuple(sender, text).map(([from, t]) => ({ message: { ...textMessage(t, from).message, chat: { id: -100500, title: t.slice(0, 20), type: "supergroup" } } })) },
  { weight: 1, arbitrary: fc.tuple(sender, fc.double({ noNaN: false }), fc.double()).map(([from, latitude, longitude]) => ({ message: { message_id: 9, from, chat: chatOf(from), date: DATE, location: { latitude, longitude } } })) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom("poll", "channel_post", "chat_join_request", "business_message", "x"), fc.jsonValue(), { minKeys: 1, maxKeys: 2 }) },
);

let errors: string[] = [];
beforeEach(async () => {
  await resetDb();
  errors = [];
  vi.spyOn(console, "error").mockImplementation((line: unknown) => void errors.push(String(line)));
});
afterEach(() => vi.restoreAllMocks());

/** What D1 must hold whatever the updates were: no row that is half a thing. */
async function checkInvariants(expect: typeof import("vitest").expect) {
  const orphans = await env.DB.prepare("SELECT count(*) AS n FROM saved_searches s LEFT JOIN users u ON u.id = s.user_id WHERE u.id IS NULL").first();
  expect(orphans).toEqual({ n: 0 });
  const users = await env.DB.prepare("SELECT id, telegram_id AS telegramId, chat_id AS chatId FROM users").all<{ id: number; telegramId: number; chatId: number }>();
  for (const user of users.results) {
    expect(user.chatId).toBe(user.telegramId); // registered from a private chat only
    const searches = await listSearches(db(), user.id);
    expect(searches.length).toBeLessThanOrEqual(Number(env.MAX_SEARCHES_PER_USER));
    for (const search of searches) expect(validateDraft(draftOf(search)), `search ${search.id}`).toMatchObject({ ok: true });
  }
  const flows = await env.DB.prepare("SELECT kind, step, state FROM bot_flows").all<{ kind: string; step: string; state: string }>();
  for (const flow of flows.results) {
    expect(["new", "link", "edit"]).toContain(flow.kind);
    expect([...STEPS, "confirm"]).toContain(flow.step);
    expect(() => JSON.parse(flow.state)).not.toThrow();
  }
  const rates = await env.DB.prepare("SELECT count(*) AS n FROM rate_limits WHERE key NOT GLOB 'bot:[0-9]*' OR hits < 1").first();
  expect(rates).toEqual({ n: 0 });
}

describe("webhook, property-based", () => {
  it(`answers ${RUNS} generated updates with 200, fails no handler, and leaves D1 whole`, { timeout: 600_000 }, async ({ expect }) => {
    const clock = testClock();
    // OLX's friendly-links API answers nothing useful: a pasted OLX link falls back as it does when OLX is down.
    const { telegram } = installFakeTelegram(clock, {}, { "https://www.olx.pl": () => new Response("not found", { status: 404 }) });
    let updateId = 1;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(update, async (body) => {
        clock.now += 1000; // Telegram's pace for one chat: replies are not refused for speed
        const response = await postUpdate({ update_id: updateId++, ...body }, { env: { BOT_RATE_LIMIT: String(RUNS) } });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        return response.status === 200;
      }),
      { numRuns: RUNS, seed: 15_015, endOnFailure: true },
    );
    expect(Object.fromEntries(statuses)).toEqual({ 200: RUNS });
    expect(errors).toEqual([]);
    expect(telegram.messages.length).toBeGreaterThan(RUNS / 4);
    expect(telegram.messages.every((m) => (m.text ?? "").length <= 4096)).toBe(true);
    await checkInvariants(expect);
    // Some updates did write: the invariants were checked on searches, flows and blocks, not on an empty D1.
    const written = await env.DB.prepare("SELECT (SELECT count(*) FROM saved_searches) AS searches, (SELECT count(*) FROM bot_flows) AS flows, (SELECT count(*) FROM users WHERE blocked_at IS NOT NULL) AS blocked").first<Record<string, number>>();
    for (const [what, n] of Object.entries(written ?? {})) expect(n, what).toBeGreaterThan(0);
  });

  it("refuses forged secrets, oversized and malformed bodies with a 4xx, and writes nothing", async ({ expect }) => {
    const { telegram } = installFakeTelegram(testClock());
    const start = textMessage("/start");
    const raw = (body: string, secret = "test-webhook-secret") => postUpdate(undefined, { secret, rawBody: body });
    const cases: [string, Promise<Response>, number][] = [
      ["no secret", postUpdate(start, { secret: null }), 401],
      ["forged secret", postUpdate(start, { secret: "test-webhook-secreX" }), 401],
      ["oversized, forged", raw("x".repeat(UPDATE_BODY_LIMIT + 1), "wrong"), 401],
      ["oversized", raw(JSON.stringify({ ...start, message: { ...start.message, text: "x".repeat(UPDATE_BODY_LIMIT) } })), 413],
      ["not JSON", raw("{update_id: 1"), 400],
      ["JSON, not an update", raw(JSON.stringify([1, 2, 3])), 400],
      ["update_id a string", raw(JSON.stringify({ ...start, update_id: "1" })), 400],
      ["empty", raw(""), 400],
    ];
    for (const [name, pending, status] of cases) expect([name, (await pending).status]).toEqual([name, status]);
    expect(telegram.calls).toEqual([]);
    for (const table of ["users", "bot_flows", "rate_limits", "saved_searches"]) expect(await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first(), table).toEqual({ n: 0 });
  });
});

describe("abuse", () => {
  it("a user sending 1 000 commands in a burst gets 8 answers and one 'slow down'; another user's every message is answered meanwhile", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    // The Worker's clock stands still: the whole burst falls in one rate window however slow the machine.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const [flooder, bystander] = senders as [TelegramUser, TelegramUser];
    const limit = { BOT_RATE_LIMIT: "8" };
    for (let i = 0; i < 1000; i++) {
      clock.now += 1000; // the fake Bot API's clock: no reply is refused for pace
      const response = await postUpdate(textMessage(i % 2 ? "/help" : "/list", flooder), { env: limit });
      expect(response.status).toBe(200);
      if (i % 125 === 0) await postUpdate(textMessage("/help", bystander), { env: limit });
    }
    vi.useRealTimers();
    const to = (user: TelegramUser) => telegram.messages.filter((m) => m.chat_id === user.id);
    expect(to(flooder)).toHaveLength(9);
    expect(to(flooder).at(-1)?.text).toContain("Zwolnij");
    expect(to(bystander)).toHaveLength(8);
    expect(to(bystander).every((m) => m.text?.startsWith("What I can do:"))).toBe(true);
    expect(await env.DB.prepare("SELECT key, hits FROM rate_limits ORDER BY key").all().then((r) => r.results)).toEqual([
      { key: `bot:${flooder.id}`, hits: 1000 },
      { key: `bot:${bystander.id}`, hits: 8 },
    ]);
  });
});
