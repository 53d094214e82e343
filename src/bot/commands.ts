import type { Language } from "../model/language.ts";

/** A command in the chat's "/" menu (setMyCommands). */
export interface BotCommandEntry {
  command: string;
  description: string;
}

/**
 * The "/" menu in each language, as `npm run telegram:setup` registers it.
 * Every command here has a handler in src/bot/.
 */
export const BOT_COMMANDS: Record<Language, BotCommandEntry[]> = {
  pl: [
    { command: "new", description: "Nowe wyszukiwanie krok po kroku" },
    { command: "list", description: "Twoje wyszukiwania" },
    { command: "pause", description: "Wstrzymaj wszystkie powiadomienia" },
    { command: "resume", description: "Wznów powiadomienia" },
    { command: "delete", description: "Usuń wyszukiwanie: /delete N" },
    { command: "stats", description: "Twoje statystyki" },
    { command: "settings", description: "Strona ustawień" },
    { command: "lang", description: "Język: polski / English" },
    { command: "cancel", description: "Przerwij bieżące pytania" },
    { command: "help", description: "Pomoc" },
  ],
  en: [
    { command: "new", description: "A new search step by step" },
    { command: "list", description: "Your searches" },
    { command: "pause", description: "Pause all notifications" },
    { command: "resume", description: "Resume notifications" },
    { command: "delete", description: "Delete a search: /delete N" },
    { command: "stats", description: "Your statistics" },
    { command: "settings", description: "Settings page" },
    { command: "lang", description: "Language: polski / English" },
    { command: "cancel", description: "Stop the current questions" },
    { command: "help", description: "Help" },
  ],
};

/** The updates the webhook handles; Telegram sends nothing else. */
export const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;
