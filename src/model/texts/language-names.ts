import type { Language } from "../language.ts";

/** Each language by its own name, in every language: a reader looks for theirs as they call it. */
export const LANGUAGE_NAMES: Record<Language, string> = { pl: "polski", en: "English" };
