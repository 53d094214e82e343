import { type Context, Hono } from "hono";
import type { SecureHeadersVariables } from "hono/secure-headers";
import { changeSearch, createSearch, register, removeSearch, saveAccount, setSearchState } from "../../account/changes.ts";
import { useDb } from "../../db/client.ts";
import { type Chat, usableChats } from "../../db/chats.ts";
import { listCities } from "../../db/locations.ts";
import { draftOf, getSearch, listSearches } from "../../db/saved-searches.ts";
import { redeemLoginNonce } from "../../db/used-login-links.ts";
import { type User, findUser } from "../../db/users.ts";
import { config } from "../../lib/config.ts";
import { languageOf } from "../../model/language.ts";
import { type DraftIssue, validateDraft } from "../../model/search.ts";
import { type SearchForm, formFromDraft, readDeliverTo, readSearchForm } from "../../searches/form.ts";
import { log } from "../../lib/log.ts";
import type { Language } from "../../model/language.ts";
import { texts } from "../../model/texts/index.ts";
import { formatMinutes, readAccountSettings } from "../../account/settings.ts";
import { csrfToken, csrfValid } from "../csrf.ts";
import { verifyInitData } from "./init-data.ts";
import { verifyLoginToken } from "../../account/login-link.ts";
import { type AccountValues, SearchFormPage, SearchList, Unauthorized } from "./pages.tsx";
import { FlatsPage } from "./flats-page.tsx";
import { flatPriceHistory } from "../../db/listings.ts";
import { sentFlats } from "../../db/notifications.ts";
import { renderPage } from "../page.tsx";
import { requireSecrets } from "../require-secrets.ts";
import { openSession, sessionUser } from "./session.ts";

interface AppUser {
  id: number;
  telegramId: number;
  language: Language;
  account: AccountValues;
}

type SettingsEnv = { Bindings: Env; Variables: SecureHeadersVariables & { user: AppUser; csrf: string; now: number } };

/** A user's row as the pages show it: the account form's fields as typed text. */
function appUser(user: User): AppUser {
  const time = (m: number | null) => (m === null ? "" : formatMinutes(m));
  return {
    id: user.id,
    telegramId: user.telegramId,
    language: user.language,
    account: {
      paused: user.paused,
      quietStart: time(user.quietStartMin),
      quietEnd: time(user.quietEndMin),
      digestThreshold: user.digestThreshold === null ? "" : String(user.digestThreshold),
      priceDropPct: user.priceDropPct === null ? "" : String(user.priceDropPct),
    },
  };
}

const unauthorized = (c: Context<SettingsEnv>) => renderPage(c, <Unauthorized language="pl" />, 401);
const limitReached = (c: Context<SettingsEnv>) => c.text(texts(c.get("user").language).settingsPage.limitReached(config(c.env).maxSearchesPerUser), 409);

/**
 * The settings page under /app. Who the user is comes only from a verified
 * login link, verified Mini App initData, or the signed session cookie they
 * open; every state change also carries the user's CSRF token. Ids in URLs
 * are looked up among the user's own searches only: anyone else's is 404.
 */
export const settings = new Hono<SettingsEnv>();

// Every page signs or checks with APP_SECRET; the Mini App's sign-in also needs the bot token.
settings.use("*", requireSecrets("APP_SECRET"));
settings.use("/auth/telegram", requireSecrets("TELEGRAM_BOT_TOKEN"));

/** GET /app/auth?t=…: a /settings link (signed, 15 minutes, single use) becomes a session. */
settings.get("/auth", async (c) => {
  const now = Date.now();
  const link = await verifyLoginToken(c.env.APP_SECRET, c.req.query("t") ?? "", now);
  const db = useDb(c.env.DB);
  const user = link ? await findUser(db, link.u) : null;
  if (!link || !user || !(await redeemLoginNonce(db, link.n, link.e, now))) {
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
  const vouched = await verifyInitData(initData, c.env.TELEGRAM_BOT_TOKEN, config(c.env).initDataMaxAgeS, now);
  if (!vouched) {
    log.warn("app_login_refused", { via: "init_data", reason: "invalid" });
    return unauthorized(c);
  }
  // initData vouches for the user: one who opens the Mini App before /start is registered as /start would
  // (a private chat's id is the user's id).
  if (!(await findUser(useDb(c.env.DB), vouched.id))) {
    await register(c.env, { telegramId: vouched.id, chatId: vouched.id, language: languageOf(vouched.languageCode), now });
  }
  await openSession(c, vouched.id, now);
  return c.redirect("/app", 303);
});

// Everything below needs a session; posts need the CSRF token too.
settings.use("*", async (c, next) => {
  const now = Date.now();
  const telegramId = await sessionUser(c, now);
  const row = telegramId === null ? null : await findUser(useDb(c.env.DB), telegramId);
  if (!row) return unauthorized(c);
  const user = appUser(row);
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

/** How many of the flats sent last the flats page lists. */
const FLATS_SHOWN = 50;

settings.get("/flats", async (c) => {
  const user = c.get("user");
  const flats = await sentFlats(c.env.DB, user.id, FLATS_SHOWN);
  const prices = await flatPriceHistory(c.env.DB, flats.map((f) => f.flatKey));
  const shown = flats.map((flat) => ({ flat, prices: prices.get(flat.flatKey) ?? [] }));
  return renderPage(c, <FlatsPage flats={shown} language={user.language} now={c.get("now")} />);
});

settings.get("/", async (c) => {
  const user = c.get("user");
  const searches = await listSearches(useDb(c.env.DB), user.id);
  return renderPage(c, <SearchList searches={searches} language={user.language} csrf={c.get("csrf")} account={user.account} />);
});

/** The form's fields as posted (strings only; files ignored). */
async function postedForm(c: Context<SettingsEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/** What a refused form is shown with: the draft's problems, and whether "Deliver to" named a chat the user may not use. */
interface FormProblems {
  issues: DraftIssue[];
  chatRefused: boolean;
}

const noProblems: FormProblems = { issues: [], chatRefused: false };

async function formPage(c: Context<SettingsEnv>, action: string, values: SearchForm, problems: FormProblems, status: 200 | 422) {
  const user = c.get("user");
  const db = useDb(c.env.DB);
  const [cities, chats] = await Promise.all([listCities(db), usableChats(db, user.id)]);
  const editing = action !== "/app/searches";
  return renderPage(
    c,
    <SearchFormPage language={user.language} csrf={c.get("csrf")} action={action} editing={editing} values={values} cities={cities} chats={chats} issues={problems.issues} chatRefused={problems.chatRefused} />,
    status,
  );
}

/**
 * Validates a posted form with the shared draft schema, its city against
 * ours and its "Deliver to" against the groups the user may use (the bot is
 * in them, and the user added it or already sends a search there); every problem at once.
 */
async function checkForm(c: Context<SettingsEnv>, posted: Record<string, string>) {
  const { input, issues } = readSearchForm(posted);
  const db = useDb(c.env.DB);
  const [cities, chats] = await Promise.all([listCities(db), usableChats(db, c.get("user").id)]);
  if (!cities.some((city) => city.id === input.cityId)) issues.push({ field: "cityId", problem: "required" });
  const deliverTo = readDeliverTo(posted.chatId, chats.map((chat: Chat) => chat.chatId));
  const checked = validateDraft(input);
  if (checked.ok && !issues.length && deliverTo.ok) return { ok: true as const, draft: checked.draft, chatId: deliverTo.chatId };
  if (!deliverTo.ok) log.warn("app_chat_refused", { user: c.get("user").id });
  const all = [...issues, ...(checked.ok ? [] : checked.issues.filter((i) => !issues.some((j) => j.field === i.field)))];
  return { ok: false as const, problems: { issues: all, chatRefused: !deliverTo.ok } };
}

settings.get("/searches/new", (c) => formPage(c, "/app/searches", { source: "both", deal: "rent", property: "flat", chatId: "" }, noProblems, 200));

settings.post("/searches", async (c) => {
  const form = await postedForm(c);
  const checked = await checkForm(c, form);
  if (!checked.ok) return formPage(c, "/app/searches", form, checked.problems, 422);
  const id = await createSearch(c.env, c.get("user").id, checked.draft, c.get("now"), checked.chatId ?? null);
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
  return formPage(c, `/app/searches/${search.id}`, { ...formFromDraft(search), chatId: search.chatId === null ? "" : String(search.chatId) }, noProblems, 200);
});

settings.post("/searches/:id", async (c) => {
  const search = await ownSearch(c);
  if (!search) return c.notFound();
  const form = await postedForm(c);
  const checked = await checkForm(c, form);
  if (!checked.ok) return formPage(c, `/app/searches/${search.id}`, form, checked.problems, 422);
  await changeSearch(c.env, c.get("user").id, search.id, checked.draft, c.get("now"), checked.chatId);
  return c.redirect("/app", 303);
});

settings.post("/searches/:id/:action{pause|resume|duplicate|delete}", async (c) => {
  const search = await ownSearch(c);
  if (!search) return c.notFound();
  const user = c.get("user");
  const action = c.req.param("action");
  if (action === "delete") await removeSearch(c.env, user.id, search.id);
  else if (action === "duplicate") {
    if ((await createSearch(c.env, user.id, draftOf(search), c.get("now"), search.chatId)) === null) return limitReached(c);
  } else await setSearchState(c.env, user.id, search.id, action === "resume", c.get("now"));
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
      priceDropPct: form.priceDropPct ?? "",
    };
    return renderPage(c, <SearchList searches={searches} language={user.language} csrf={c.get("csrf")} account={shown} accountIssues={read.issues} />, 422);
  }
  await saveAccount(c.env, user.id, read.settings);
  return c.redirect("/app", 303);
});
