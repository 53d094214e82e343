import type { Language } from "../model/language.ts";
import { type CommandTexts, texts } from "../model/texts/index.ts";

/** A command in the chat's "/" menu (setMyCommands). */
export interface BotCommandEntry {
  command: string;
  description: string;
}

/** The "/" menu's commands, in menu order. Every command here has a handler in src/bot/. */
const MENU: readonly (keyof CommandTexts)[] = ["new", "list", "pause", "resume", "delete", "stats", "settings", "lang", "cancel", "help"];

const menuIn = (language: Language): BotCommandEntry[] => MENU.map((command) => ({ command, description: texts(language).commands[command] }));

/** The "/" menu of private chats in each language, as `npm run telegram:setup` registers it. */
export const BOT_COMMANDS: Record<Language, BotCommandEntry[]> = { pl: menuIn("pl"), en: menuIn("en") };

/** The "/" menu of group chats (src/bot/group-searches.ts): what a group can ask the bot. */
export const GROUP_BOT_COMMANDS: Record<Language, BotCommandEntry[]> = {
  pl: [{ command: "searches", description: texts("pl").commands.searches }],
  en: [{ command: "searches", description: texts("en").commands.searches }],
};

/** The updates the webhook handles; Telegram sends nothing else. */
export const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;
