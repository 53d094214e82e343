import { type Context, Hono } from "hono";
import { useDb } from "../../db/client.ts";
import { listCities } from "../../db/locations.ts";
import { deleteSearch, draftOf, getSearch, insertSearch, listSearches, searchLimit, setSearchActive, updateSearch } from "../../db/saved-searches.ts";
import { bumpSearchVersionStatement } from "../../db/searches.ts";
import { type DraftIssue, validateDraft } from "../../model/search.ts";
import { type SearchForm, draftFromForm, formFromDraft } from "../../searches/form.ts";
import { log } from "../../lib/log.ts";
import type { Language } from "../../model/language.ts";
import { texts } from "../../model/texts/index.ts";
import { formatMinutes, readAccountSettings } from "../../account/settings.ts";
import { csrfToken, csrfValid } from "./csrf.ts";
import { verifyInitData } from "./init-data.ts";
import { redeemLoginNonce, verifyLoginToken } from "./login-link.ts";
import { type AccountValues, SearchFormPage, SearchList, Unauthorized } from "./pages.tsx";
import { openSession, sessionUser } from "./session.ts";

interface AppUser {
  id: number;
  telegramId: number;
  language: Language;
  account: AccountValues;
}

type SettingsEnv = { Bindings: Env; Variables: { user: AppUser; csrf: string; now: number } };

async function findUser(d1: D1Database, telegramId: number): Promise<AppUser | null> {
  const row = await d1
    .prepare(`SELECT id, telegram_id, language, paused, quiet_start_min, quiet_end_min, digest_threshold FROM users WHERE telegram_id = ?`)
    .bind(telegramId)
    .first<{ id: number; telegram_id: number; language: Language; paused: number; quiet_start_min: number | null; quiet_end_min: number | null; digest_threshold: number | null }>();
  if (!row) return null;
  const time = (m: number | null) => (m === null ? "" : formatMinutes(m));
  return {
    id: row.id,
    telegramId: row.telegram_id,
    language: row.language,
    account: {
      paused: row.paused === 1,
      quietStart: time(row.quiet_start_min),
      quietEnd: time(row.quiet_end_min),
      digestThreshold: row.digest_threshold === null ? "" : String(row.digest_threshold),
    },
  };
}

/** Default max age of Mini App initData (24 h); INIT_DATA_MAX_AGE_S overrides. */
function initDataMaxAge(env: Env): number {
  const n = Number(env.INIT_DATA_MAX_AGE_S);
  return Number.isInteger(n) && n > 0 ? n : 24 * 60 * 60;
}

const unauthorized = (c: Context) => c.html(<Unauthorized language="pl" />, 401);
const limitReached = (c: Context<SettingsEnv>) => c.text(texts(c.get("user").language).settingsPage.limitReached(searchLimit(c.env)), 409);

/**
 * The settings page under /app. Who the user is comes only from a verified
 * login link, verified Mini App initData, or the signed session cookie they
 * open; every state change also carries the user's CSRF token. Ids in URLs
 * are looked up among the user's own searches only: anyone else's is 404.
 */
export const settings = new Hono<SettingsEnv>();

/** GET /app/auth?t=…: a /settings link (signed, 15 minutes, single use) becomes a session. */
settings.get("/auth", async (c) => {
  const now = Date.now();
  const link = await verifyLoginToken(c.env.APP_SECRET, c.req.query("t") ?? "", now);
  const user = link ? await findUser(c.env.DB, link.u) : null;
  if (!link || !user || !(await redeemLoginNonce(c.env.DB, link, now))) {
    log.warn("app_login_refused", { via: "link", reason: !link ? "invalid" : !user ? "no_user" : "replayed" });
    return unauthorized(c);
  }
  await openSession(c, link.u, now);
  return c.redirect("/app", 303);
});

/** POST /app/auth/telegram: the Mini App posts its raw initData; valid data opens a session. */
settings.post("/auth/telegram", async (c) => {
  const now = Date.now();
  const form = await c.req.parseBody();
  const initData = typeof form.initData === "string" ? form.initData : "";
  const vouched = await verifyInitData(initData, c.env.TELEGRAM_BOT_TOKEN, initDataMaxAge(c.env), now);
  const user = vouched ? await findUser(c.env.DB, vouched.id) : null;
  if (!vouched || !user) {
    log.warn("app_login_refused", { via: "init_data", reason: !vouched ? "invalid" : "no_user" });
    return unauthorized(c);
  }
  await openSession(c, vouched.id, now);
  return c.redirect("/app", 303);
});

// Everything below needs a session; posts need the CSRF token too.
settings.use("*", async (c, next) => {
  const now = Date.now();
  const telegramId = await sessionUser(c, now);
  const user = telegramId === null ? null : await findUser(c.env.DB, telegramId);
  if (!user) return unauthorized(c);
  const csrf = await csrfToken(c.env.APP_SECRET, user.telegramId);
  if (c.req.method === "POST") {
    const body = await c.req.parseBody();
    if (!(await csrfValid(c.env.APP_SECRET, user.telegramId, typeof body.csrf === "string" ? body.csrf : undefined))) {
      log.warn("app_csrf_refused", { user: user.id });
      return c.text(texts(user.language).settingsPage.staleForm, 403);
    }
  }
  await openSession(c, user.telegramId, now);
  c.set("user", user);
  c.set("csrf", csrf);
  c.set("now", now);
  await next();
});

settings.get("/", async (c) => {
  const user = c.get("user");
  const searches = await listSearches(useDb(c.env.DB), user.id);
  return c.html(<SearchList searches={searches} language={user.language} csrf={c.get("csrf")} account={user.account} />);
});

/** The form's fields as posted (strings only; files ignored). */
async function postedForm(c: Context<SettingsEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === "string"));
}

async function formPage(c: Context<SettingsEnv>, action: string, values: SearchForm, issues: DraftIssue[], status: 200 | 422) {
  const user = c.get("user");
  const cities = await listCities(useDb(c.env.DB));
  const editing = action !== "/app/searches";
  return c.html(<SearchFormPage language={user.language} csrf={c.get("csrf")} action={action} editing={editing} values={values} cities={cities} issues={issues} />, status);
}

/** Validates a posted form with the shared draft schema, and its city against ours; every problem at once. */
async function checkForm(c: Context<SettingsEnv>, form: SearchForm) {
  const { input, issues } = draftFromForm(form);
  const cities = await listCities(useDb(c.env.DB));
  if (!cities.some((city) => city.id === input.cityId)) issues.push({ field: "cityId", problem: "required" });
  const checked = validateDraft(input);
  if (checked.ok && !issues.length) return { ok: true as const, draft: checked.draft };
  const all = [...issues, ...(checked.ok ? [] : checked.issues.filter((i) => !issues.some((j) => j.field === i.field)))];
  return { ok: false as const, issues: all };
}

settings.get("/searches/new", (c) => formPage(c, "/app/searches", { source: "both", deal: "rent", property: "flat" }, [], 200));

settings.post("/searches", async (c) => {
  const form = await postedForm(c);
  const checked = await checkForm(c, form);
  if (!checked.ok) return formPage(c, "/app/searches", form, checked.issues, 422);
  const id = await insertSearch(c.env.DB, c.get("user").id, checked.draft, searchLimit(c.env), c.get("now"));
  if (id === null) return limitReached(c);
  return c.redirect("/app", 303);
});

/** The user's own search named in the URL, or null (then 404: someone else's ids name nothing). */
async function ownSearch(c: Context<SettingsEnv>) {
  const id = Number(c.req.param("id"));
  if (!Number.isInteger(id) || id <= 0) return null;
  return getSearch(useDb(c.env.DB), c.get("user").id, id);
}

settings.get("/searches/:id/edit", async (c) => {
  const search = await ownSearch(c);
  if (!search) return c.notFound();
  return formPage(c, `/app/searches/${search.id}`, formFromDraft(search), [], 200);
});

settings.post("/searches/:id", async (c) => {
  const search = await ownSearch(c);
  if (!search) return c.notFound();
  const form = await postedForm(c);
  const checked = await checkForm(c, form);
  if (!checked.ok) return formPage(c, `/app/searches/${search.id}`, form, checked.issues, 422);
  await updateSearch(c.env.DB, useDb(c.env.DB), c.get("user").id, search.id, checked.draft, c.get("now"));
  return c.redirect("/app", 303);
});

settings.post("/searches/:id/:action{pause|resume|duplicate|delete}", async (c) => {
  const search = await ownSearch(c);
  if (!search) return c.notFound();
  const user = c.get("user");
  const d1 = c.env.DB;
  const action = c.req.param("action");
  if (action === "delete") await deleteSearch(d1, useDb(d1), user.id, search.id);
  else if (action === "duplicate") {
    if ((await insertSearch(d1, user.id, draftOf(search), searchLimit(c.env), c.get("now"))) === null) return limitReached(c);
  } else await setSearchActive(d1, useDb(d1), user.id, search.id, action === "resume", c.get("now"));
  return c.redirect("/app", 303);
});

/** Global pause, language, quiet hours, digest threshold: the filter reads them with the searches. */
settings.post("/account", async (c) => {
  const user = c.get("user");
  const form = await postedForm(c);
  const read = readAccountSettings(form);
  if (!read.ok) {
    const searches = await listSearches(useDb(c.env.DB), user.id);
    const shown: AccountValues = {
      paused: form.paused === "on",
      quietStart: form.quietStart ?? "",
      quietEnd: form.quietEnd ?? "",
      digestThreshold: form.digestThreshold ?? "",
    };
    return c.html(<SearchList searches={searches} language={user.language} csrf={c.get("csrf")} account={shown} accountIssues={read.issues} />, 422);
  }
  const s = read.settings;
  const d1 = c.env.DB;
  await d1.batch([
    d1
      .prepare(`UPDATE users SET paused = ?, language = ?, quiet_start_min = ?, quiet_end_min = ?, digest_threshold = ? WHERE id = ?`)
      .bind(s.paused ? 1 : 0, s.language, s.quietHours?.startMin ?? null, s.quietHours?.endMin ?? null, s.digestThreshold, user.id),
    bumpSearchVersionStatement(d1),
  ]);
  return c.redirect("/app", 303);
});
