import type { FC, PropsWithChildren } from "hono/jsx";
import type { SavedSearch } from "../../db/saved-searches.ts";
import { compactSummary } from "../../searches/summary.ts";
import { searchTexts } from "../../searches/texts.ts";
import type { Language } from "../../telegram/texts.ts";

/** Telegram's theme colours when opened as a Mini App, plain ones in a browser. */
const STYLE = `
body{font:16px/1.4 system-ui,sans-serif;margin:0;padding:16px;max-width:40rem;
background:var(--tg-theme-bg-color,#fff);color:var(--tg-theme-text-color,#111)}
a{color:var(--tg-theme-link-color,#2481cc)}
li{margin:.5rem 0}.paused{color:var(--tg-theme-hint-color,#777)}`;

const Layout: FC<PropsWithChildren<{ title: string; language: Language }>> = ({ title, language, children }) => (
  <html lang={language}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title}</title>
      <style>{STYLE}</style>
    </head>
    <body>{children}</body>
  </html>
);

/** Why the page cannot be shown, and how to get in: a plain page, no data. */
export const Unauthorized: FC<{ language: Language }> = ({ language }) => (
  <Layout title="GetMeOne" language={language}>
    <h1>GetMeOne</h1>
    <p>
      {language === "pl"
        ? "Ten link wygasł, został już użyty albo jest nieprawidłowy. Wyślij /settings do bota w Telegramie, żeby dostać nowy."
        : "This link has expired, was already used, or is not valid. Send /settings to the bot in Telegram for a new one."}
    </p>
  </Layout>
);

/** The user's searches, one line each, with their state. */
export const SearchList: FC<{ searches: readonly SavedSearch[]; language: Language }> = ({ searches, language }) => {
  const t = searchTexts(language);
  return (
    <Layout title={language === "pl" ? "Twoje wyszukiwania" : "Your searches"} language={language}>
      <h1>{language === "pl" ? "Twoje wyszukiwania" : "Your searches"}</h1>
      {searches.length === 0 ? (
        <p>{language === "pl" ? "Nie masz jeszcze wyszukiwań." : "You have no searches yet."}</p>
      ) : (
        <ol>
          {searches.map((s) => (
            <li class={s.active ? undefined : "paused"}>
              {compactSummary(s, s.cityName, language)}
              {s.active ? "" : ` (${t.paused})`}
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
};
