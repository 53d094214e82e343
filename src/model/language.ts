/** The languages GetMeOne speaks; Polish is the default. */
export const LANGUAGES = ["pl", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * A Telegram `language_code` ("pl", "en-GB", "uk") as one of ours: Polish
 * for Polish, English for everything else (an unknown language is likelier
 * read in English).
 */
export function languageOf(telegramCode: string | undefined | null): Language {
  return telegramCode?.toLowerCase().startsWith("pl") ? "pl" : "en";
}

export function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value);
}

/**
 * The language `/lang` alone switches to: the next in LANGUAGES, so with two
 * languages the other one.
 *
 * @example otherLanguage("pl") // "en"
 */
export function otherLanguage(language: Language): Language {
  return LANGUAGES[(LANGUAGES.indexOf(language) + 1) % LANGUAGES.length] ?? language;
}
