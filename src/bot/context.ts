import type { Context } from "grammy";
import type { User } from "../db/users.ts";
import type { Language } from "../model/language.ts";
import type { BotTexts } from "../model/texts/index.ts";

/** The registered user an update comes from. */
export type BotUser = Pick<User, "id" | "language" | "paused" | "isAdmin">;

/** What every handler gets: the grammY context, the Worker's env, and (in private chats) who is talking (src/bot/session.ts). */
export type BotContext = Context & {
  env: Env;
  /** null: not registered (/start) yet. */
  user: BotUser | null;
  language: Language;
  texts: BotTexts;
  /** This update's time, ms. */
  now: number;
};
