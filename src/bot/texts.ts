import type { Language } from "../telegram/texts.ts";

/** The bot's own words, per language. Polish is the default. */
export interface BotTexts {
  welcome: string;
  help: string;
  langSet: string;
  langUsage: string;
  paused: string;
  resumed: string;
  startFirst: string;
}

const pl: BotTexts = {
  welcome: [
    "👋 <b>GetMeOne</b> pilnuje OLX i Otodom za Ciebie.",
    "Gdy pojawi się ogłoszenie pasujące do Twojego wyszukiwania, od razu dostaniesz je tutaj.",
    "Dodaj wyszukiwanie: wklej link do wyników z olx.pl lub otodom.pl albo użyj /new.",
  ].join("\n"),
  help: [
    "Co umiem:",
    "• wklej link do wyników wyszukiwania z olx.pl lub otodom.pl",
    "/new: nowe wyszukiwanie krok po kroku",
    "/list: Twoje wyszukiwania · /pause, /resume: powiadomienia",
    "/lang: język · /help: ta pomoc",
  ].join("\n"),
  langSet: "Język: polski. (/lang en: English)",
  langUsage: "Użyj /lang pl albo /lang en.",
  paused: "⏸ Powiadomienia wstrzymane. /resume je wznowi; wyszukiwania zostają.",
  resumed: "▶️ Powiadomienia wznowione.",
  startFirst: "Najpierw /start.",
};

const en: BotTexts = {
  welcome: [
    "👋 <b>GetMeOne</b> watches OLX and Otodom for you.",
    "When a listing matching your search appears, you get it here right away.",
    "Add a search: paste a link to search results on olx.pl or otodom.pl, or use /new.",
  ].join("\n"),
  help: [
    "What I can do:",
    "• paste a link to search results on olx.pl or otodom.pl",
    "/new: a new search step by step",
    "/list: your searches · /pause, /resume: notifications",
    "/lang: language · /help: this help",
  ].join("\n"),
  langSet: "Language: English. (/lang pl: polski)",
  langUsage: "Use /lang pl or /lang en.",
  paused: "⏸ Notifications paused. /resume turns them back on; your searches stay.",
  resumed: "▶️ Notifications resumed.",
  startFirst: "Please /start first.",
};

export function botTexts(language: Language): BotTexts {
  return language === "en" ? en : pl;
}

/** Telegram's language_code to ours: Polish for "pl", English for everything else. */
export function languageOf(code: string | undefined): Language {
  return code?.toLowerCase().startsWith("pl") ? "pl" : "en";
}

/**
 * The language to answer a Telegram user in: theirs if they are registered,
 * else guessed from their Telegram client.
 */
export async function userLanguage(d1: D1Database, from: { id: number; language_code?: string } | undefined): Promise<Language> {
  if (!from) return "pl";
  const row = await d1.prepare(`SELECT language FROM users WHERE telegram_id = ?`).bind(from.id).first<{ language: Language }>();
  return row?.language ?? languageOf(from.language_code);
}
