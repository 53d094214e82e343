/**
 * Numbers, prices and lengths of time as the user reads them. Every function
 * returns plain text: the caller escapes it for HTML.
 */
import type { Language } from "../language.ts";
import { texts } from "./tables.ts";

/**
 * A number with Polish digit grouping (a space every three digits, also for
 * four-digit numbers) and at most `decimals` decimals, with a decimal comma in
 * Polish and a point in English.
 *
 * @example formatNumber(2900, "pl") // "2 900"
 * @example formatNumber(48.5, "pl", 1) // "48,5"
 */
export function formatNumber(value: number, language: Language, decimals = 0): string {
  const factor = 10 ** decimals;
  const rounded = Math.round(Math.abs(value) * factor) / factor;
  const [whole = "0", fraction] = rounded.toFixed(decimals).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  const trimmed = fraction?.replace(/0+$/, "");
  const sign = value < 0 && rounded !== 0 ? "-" : "";
  return sign + grouped + (trimmed ? texts(language).format.decimalMark + trimmed : "");
}

const CURRENCY_SYMBOLS: Record<string, string> = { PLN: "zł", ZŁ: "zł", EUR: "€", USD: "$" };

/** The symbol shown after an amount; listings without a currency are Polish, so złoty. */
export function currencySymbol(currency: string | null): string {
  if (!currency) return "zł";
  return CURRENCY_SYMBOLS[currency.toUpperCase()] ?? currency;
}

/**
 * An amount of money as the bot shows it.
 *
 * @example formatPrice(2900, "PLN", "pl") // "2 900 zł"
 */
export function formatPrice(amount: number, currency: string | null, language: Language): string {
  return `${formatNumber(amount, language)} ${currencySymbol(currency)}`;
}

/**
 * A length of time, coarsely: "45 s", "5 min", "3 godz." / "3 h", "2 dni" / "2 days", from two
 * weeks on "3 tygodnie" / "3 weeks".
 *
 * @example formatDuration(90_000, "pl") // "1 min"
 */
export function formatDuration(ms: number, language: Language): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const words = texts(language).format;
  if (hours < 24) return words.hours(hours);
  const days = Math.floor(hours / 24);
  return days < 14 ? words.days(days) : words.weeks(Math.floor(days / 7));
}

/**
 * How long ago something happened, e.g. "5 min temu" / "5 min ago".
 *
 * @param ageMs milliseconds since the event (negative: clock skew, read as "just now")
 */
export function formatAge(ageMs: number, language: Language): string {
  const words = texts(language).format;
  if (ageMs < 60_000) return words.justNow;
  return words.ago(formatDuration(ageMs, language));
}

/**
 * A signed whole per cent with a true minus sign: "−12 %", "+5 %", "0 %".
 *
 * @example formatSignedPct(-12) // "−12 %"
 */
export function formatSignedPct(pct: number): string {
  const n = Math.round(pct);
  return `${n < 0 ? "−" : n > 0 ? "+" : ""}${Math.abs(n)} %`;
}
