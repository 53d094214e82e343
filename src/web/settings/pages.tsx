import { raw } from "hono/html";
import { ICON_PATH } from "../favicon.ts";
import { usePageNonce } from "../page.tsx";
import type { FC, PropsWithChildren } from "hono/jsx";
import type { City } from "../../model/location.ts";
import type { Chat } from "../../db/chats.ts";
import type { SavedSearch } from "../../db/saved-searches.ts";
import { type DraftField, type DraftIssue, SEARCH_PROPERTIES } from "../../model/search.ts";
import type { SearchForm as FormValues } from "../../searches/form.ts";
import { compactSummary } from "../../searches/summary.ts";
import { LANGUAGE_NAMES, describeIssues, texts } from "../../model/texts/index.ts";
import { DEALS } from "../../model/listing.ts";
import type { AccountField } from "../../account/settings.ts";
import type { AccountProblem } from "../../model/recipient.ts";
import { LANGUAGES, type Language } from "../../model/language.ts";

/** Telegram's theme colours when opened as a Mini App, plain ones in a browser; mobile first. */
const STYLE = `
body{font:16px/1.4 system-ui,sans-serif;margin:0;padding:16px;max-width:40rem;
background:var(--tg-theme-bg-color,#fff);color:var(--tg-theme-text-color,#111)}
a{color:var(--tg-theme-link-color,#2481cc)}
button{font:inherit;padding:.4rem .8rem;border:0;border-radius:6px;
background:var(--tg-theme-button-color,#2481cc);color:var(--tg-theme-button-text-color,#fff)}
button.quiet{background:var(--tg-theme-secondary-bg-color,#eee);color:inherit}
li{margin:.75rem 0}.paused{color:var(--tg-theme-hint-color,#777)}
form.inline{display:inline}label{display:block;margin-top:.75rem}
input,select{font:inherit;width:100%;box-sizing:border-box;padding:.3rem}
input[type=checkbox]{width:auto}.error{color:#c0392b;font-size:.9em}`;

/**
 * Inside Telegram the page is a Mini App: Telegram puts its launch parameters
 * in the URL fragment (tgWebAppData, tgWebAppThemeParams). This applies the
 * theme (kept for the session's later pages), posts the raw initData to
 * /app/auth/telegram on the sign-in page, and makes Telegram's main button
 * submit the page's main form, through the documented web events
 * (https://core.telegram.org/api/web-events): postEvent out,
 * Telegram.WebView.receiveEvent (or a web.telegram.org message) in.
 * Inline and tiny: no script from a CDN, and the pages work without it.
 */
const MINI_APP_SCRIPT = `(function () {
  var p = new URLSearchParams(location.hash.slice(1));
  var theme = p.get("tgWebAppThemeParams");
  var inTelegram = false;
  try {
    if (p.get("tgWebAppData")) sessionStorage.setItem("tgMiniApp", "1");
    inTelegram = sessionStorage.getItem("tgMiniApp") === "1";
    if (theme) sessionStorage.setItem("tgTheme", theme);
    else theme = sessionStorage.getItem("tgTheme");
    var t = theme ? JSON.parse(theme) : {};
    // Colours only: the fragment is anyone's to write, and a CSS value could be a url().
    for (var k in t) if (/^[a-z_]+$/.test(k) && /^#[0-9a-fA-F]{3,8}$/.test(String(t[k]))) document.documentElement.style.setProperty("--tg-theme-" + k.replace(/_/g, "-"), String(t[k]));
  } catch (e) {}
  var login = document.getElementById("tg-login");
  var data = p.get("tgWebAppData");
  // Only inside a Telegram client: a link anyone crafted must not sign a browser into their account.
  var client = !!window.TelegramWebviewProxy || window.parent !== window || !!(window.external && window.external.notify);
  if (login && data && client) {
    login.elements.namedItem("initData").value = data;
    login.submit();
    return;
  }
  if (!inTelegram) return;
  function post(type, eventData) {
    if (window.TelegramWebviewProxy) window.TelegramWebviewProxy.postEvent(type, JSON.stringify(eventData));
    else if (window.parent !== window) window.parent.postMessage(JSON.stringify({ eventType: type, eventData: eventData }), "https://web.telegram.org");
  }
  var form = document.querySelector("form[data-main-button]");
  function pressed(type) {
    if (type === "main_button_pressed" && form) form.requestSubmit();
  }
  window.Telegram = window.Telegram || {};
  window.Telegram.WebView = { receiveEvent: function (type) { pressed(type); } };
  window.addEventListener("message", function (e) {
    if (e.origin !== "https://web.telegram.org") return;
    try { pressed(JSON.parse(e.data).eventType); } catch (err) {}
  });
  post("web_app_ready", {});
  post("web_app_setup_main_button", form ? { is_visible: true, is_active: true, text: form.getAttribute("data-main-button") } : { is_visible: false });
})();`;

export const Layout: FC<PropsWithChildren<{ title: string; language: Language }>> = ({ title, language, children }) => {
  const nonce = usePageNonce();
  return (
  <html lang={language}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title}</title>
      <link rel="icon" href={ICON_PATH} type="image/svg+xml" />
      <style nonce={nonce}>{STYLE}</style>
    </head>
    <body>
      <main>{children}</main>
      <script nonce={nonce}>{raw(MINI_APP_SCRIPT)}</script>
    </body>
  </html>
  );
};

/** Why the page cannot be shown, and how to get in: a plain page, no data. */
export const Unauthorized: FC<{ language: Language }> = ({ language }) => (
  <Layout title="GetMeOne" language={language}>
    <h1>GetMeOne</h1>
    <p>{texts(language).settingsPage.unauthorized}</p>
    {/* Filled and sent by MINI_APP_SCRIPT when the page is opened as a Mini App. */}
    <form id="tg-login" method="post" action="/app/auth/telegram" hidden>
      <input type="hidden" name="initData" value="" />
    </form>
  </Layout>
);

/** A field's problem, next to it; the field points here with aria-describedby={errorId(name)}. */
const FieldError: FC<{ name: string; message: string | null | undefined }> = ({ name, message }) =>
  message ? (
    <div class="error" id={errorId(name)}>
      {message}
    </div>
  ) : null;

const errorId = (name: string) => `${name}-error`;

/** A POST button carrying the CSRF token. */
const Action: FC<{ action: string; csrf: string; label: string; quiet?: boolean }> = ({ action, csrf, label, quiet }) => (
  <form class="inline" method="post" action={action}>
    <input type="hidden" name="csrf" value={csrf} />
    <button type="submit" class={quiet ? "quiet" : undefined}>
      {label}
    </button>
  </form>
);

/** The account form's values as shown (posted values again after a refusal). */
export interface AccountValues {
  paused: boolean;
  quietStart: string;
  quietEnd: string;
  digestThreshold: string;
  priceDropPct: string;
}

/** The user's searches with their actions, and the account settings. */
export const SearchList: FC<{
  searches: readonly SavedSearch[];
  language: Language;
  csrf: string;
  account: AccountValues;
  accountIssues?: readonly { field: AccountField; problem: AccountProblem }[];
}> = ({ searches, language, csrf, account, accountIssues = [] }) => {
  const problem = (field: AccountField) => {
    const issue = accountIssues.find((i) => i.field === field);
    return issue ? texts(language).settingsPage.accountProblems[issue.problem] : null;
  };
  const AccountInput: FC<{ name: AccountField; label: string; type: string }> = ({ name, label, type }) => {
    const message = problem(name);
    return (
      <>
        <label for={name}>{label}</label>
        <input id={name} name={name} type={type} value={account[name]} aria-invalid={message ? "true" : undefined} aria-describedby={message ? errorId(name) : undefined} />
        <FieldError name={name} message={message} />
      </>
    );
  };
  const w = texts(language).settingsPage;
  const t = texts(language).search;
  const g = texts(language).groups;
  return (
    <Layout title={w.title} language={language}>
      <h1>{w.title}</h1>
      <p>
        <a href="/app/searches/new">{w.add}</a> · <a href="/app/flats">{w.flatsTitle}</a>
      </p>
      {searches.length === 0 ? (
        <p>{w.none}</p>
      ) : (
        <ol>
          {searches.map((s) => (
            <li class={s.active ? undefined : "paused"}>
              <div>
                {compactSummary(s, s.cityName, language)}
                {s.active ? "" : ` (${t.paused})`}
                {s.chatTitle === null ? "" : ` ${g.deliversTo(s.chatTitle)}`}
              </div>
              <a href={`/app/searches/${s.id}/edit`}>{w.edit}</a>{" "}
              <Action action={`/app/searches/${s.id}/${s.active ? "pause" : "resume"}`} csrf={csrf} label={s.active ? w.pause : w.resume} quiet />{" "}
              <Action action={`/app/searches/${s.id}/duplicate`} csrf={csrf} label={w.duplicate} quiet />{" "}
              <Action action={`/app/searches/${s.id}/delete`} csrf={csrf} label={w.remove} quiet />
            </li>
          ))}
        </ol>
      )}
      <h2>{w.account}</h2>
      <form method="post" action="/app/account">
        <input type="hidden" name="csrf" value={csrf} />
        <label>
          <input type="checkbox" name="paused" checked={account.paused} /> {w.allPaused}
        </label>
        <AccountInput name="quietStart" label={w.quietStart} type="time" />
        <AccountInput name="quietEnd" label={w.quietEnd} type="time" />
        <p class="paused">{w.quietHint}</p>
        <AccountInput name="digestThreshold" label={w.digestThreshold} type="number" />
        <AccountInput name="priceDropPct" label={w.priceDropPct} type="number" />
        <label for="language">{w.language}</label>
        <select id="language" name="language">
          {LANGUAGES.map((l) => (
            <option value={l} selected={language === l}>
              {LANGUAGE_NAMES[l]}
            </option>
          ))}
        </select>
        <p>
          <button type="submit">{w.saveAccount}</button>
        </p>
      </form>
    </Layout>
  );
};

/** The create/edit form; problems are shown next to their field and tied to it for screen readers. */
export const SearchFormPage: FC<{
  language: Language;
  csrf: string;
  action: string;
  /** true: editing a saved search; false: a new one. */
  editing: boolean;
  values: FormValues;
  cities: readonly City[];
  /** The groups "Deliver to" offers besides the private chat. */
  chats: readonly Pick<Chat, "chatId" | "title">[];
  issues: readonly DraftIssue[];
  /** "Deliver to" named a chat the user may not use. */
  chatRefused: boolean;
}> = ({ language, csrf, action, editing, values, cities, chats, issues, chatRefused }) => {
  const w = texts(language).settingsPage;
  const g = texts(language).groups;
  const t = texts(language).search;
  const problem = (field: DraftField) => {
    const issue = issues.find((i) => i.field === field);
    return issue ? describeIssues([issue], language)[0] : null;
  };
  const Field: FC<{ name: keyof FormValues; label: string; error?: DraftField; hint?: string; numeric?: boolean }> = ({ name, label, error, hint, numeric }) => {
    const message = problem(error ?? (name as DraftField));
    return (
      <>
        <label for={name}>
          {label}
          {hint ? ` (${hint})` : ""}
        </label>
        <input id={name} name={name} value={values[name] ?? ""} inputmode={numeric ? "decimal" : undefined} aria-invalid={message ? "true" : undefined} aria-describedby={message ? errorId(name) : undefined} />
        <FieldError name={name} message={message} />
      </>
    );
  };
  const Select: FC<{ name: "source" | "deal" | "property" | "cityId"; label: string; options: readonly (readonly [string, string])[] }> = ({ name, label, options }) => {
    const message = problem(name);
    return (
      <>
        <label for={name}>{label}</label>
        <select id={name} name={name} aria-invalid={message ? "true" : undefined} aria-describedby={message ? errorId(name) : undefined}>
          {options.map(([value, text]) => (
            <option value={value} selected={values[name] === value}>
              {text}
            </option>
          ))}
        </select>
        <FieldError name={name} message={message} />
      </>
    );
  };
  return (
    <Layout title={editing ? w.editTitle : w.add} language={language}>
      <p>
        <a href="/app">{w.back}</a>
      </p>
      <h1>{editing ? w.editTitle : w.add}</h1>
      {issues.length ? <p role="alert">{w.fixBelow}</p> : null}
      <form method="post" action={action} data-main-button={w.save}>
        <input type="hidden" name="csrf" value={csrf} />
        {/* A point shared in the bot is kept as is; the radius field below applies around it. */}
        <input type="hidden" name="lat" value={values.lat ?? ""} />
        <input type="hidden" name="lon" value={values.lon ?? ""} />
        <Field name="name" label={t.fields.name} />
        <Select name="deal" label={t.fields.deal} options={DEALS.map((d) => [d, t.deals[d]] as const)} />
        <Select name="property" label={t.fields.property} options={SEARCH_PROPERTIES.map((p) => [p, t.properties[p]] as const)} />
        <Select name="source" label={t.fields.source} options={[["both", t.sources.both], ["olx", t.sources.olx], ["otodom", t.sources.otodom]]} />
        <Select name="cityId" label={t.fields.cityId} options={[["", w.anyCity], ...cities.map((c) => [String(c.id), c.name] as const)]} />
        <Field name="priceMin" label={t.fields.priceMin} numeric />
        <Field name="priceMax" label={t.fields.priceMax} numeric />
        <Field name="areaMin" label={t.fields.areaMin} numeric />
        <Field name="areaMax" label={t.fields.areaMax} numeric />
        <Field name="roomsMin" label={t.fields.roomsMin} numeric />
        <Field name="roomsMax" label={t.fields.roomsMax} numeric />
        <Field name="pricePerM2Min" label={t.fields.pricePerM2Min} numeric />
        <Field name="pricePerM2Max" label={t.fields.pricePerM2Max} numeric />
        <Field name="districts" label={t.fields.districts} hint={w.listHint} />
        <Field name="radiusKm" label={`${t.fields.radiusKm} (km)`} numeric />
        <Field name="includeText" label={t.fields.includeKeywords} error="includeKeywords" hint={w.listHint} />
        <Field name="excludeText" label={t.fields.excludeKeywords} error="excludeKeywords" hint={w.listHint} />
        <label>
          <input type="checkbox" name="privateOnly" checked={values.privateOnly === "on"} /> {t.fields.privateOnly}
        </label>
        <label for="chatId">{g.deliverTo}</label>
        <select id="chatId" name="chatId" aria-invalid={chatRefused ? "true" : undefined} aria-describedby={chatRefused ? errorId("chatId") : undefined}>
          <option value="" selected={!values.chatId}>
            {g.privateChat}
          </option>
          {chats.map((chat) => (
            <option value={String(chat.chatId)} selected={values.chatId === String(chat.chatId)}>
              👥 {chat.title}
            </option>
          ))}
        </select>
        <FieldError name="chatId" message={chatRefused ? g.chatRefused : null} />
        <p>
          <button type="submit">{w.save}</button>
        </p>
      </form>
    </Layout>
  );
};
