/**
 * Every user-facing text and the formats of its numbers and times, in each of
 * LANGUAGES. Callers import from here only.
 */
export { texts } from "./tables.ts";
export type { BotTexts, CommandTexts, FormatTexts, GroupTexts, NotifierTexts, SearchTexts, SettingsPageTexts, SummaryTexts, Texts, WizardTexts } from "./shape.ts";
export { describeIssues } from "./issues.ts";
export { LANGUAGE_NAMES } from "./language-names.ts";
export { currencySymbol, formatAge, formatDuration, formatNumber, formatPrice, formatSignedPct } from "./format.ts";
export { plPlural } from "./plural.ts";
