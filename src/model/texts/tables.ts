import type { Language } from "../language.ts";
import { en } from "./en.ts";
import { pl } from "./pl.ts";
import type { Texts } from "./shape.ts";

const TABLES: Record<Language, Texts> = { pl, en };

/**
 * Every text in `language`.
 *
 * @example texts("en").notifier.openButton // "Open listing"
 */
export function texts(language: Language): Texts {
  // The users table types its language column but does not check it: anything
  // else reads as Polish, the default.
  return TABLES[language] ?? pl;
}
