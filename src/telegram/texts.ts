/**
 * The notifier's message strings in Polish (the default) and English, plus the
 * number and time formats they need. Every function returns plain text: the
 * caller escapes it for HTML.
 */
import type { Language } from "../model/language.ts";

/**
 * Polish plural form: 1 pokój, 2–4 pokoje (but 12–14 pokoi), 5+ pokoi.
 *
 * @example plPlural(22, "pokój", "pokoje", "pokoi") // "pokoje"
 */
export function plPlural(n: number, one: string, few: string, many: string): string {
  if (n === 1) return one;
  const last = n % 10;
  const lastTwo = n % 100;
  return last >= 2 && last <= 4 && (lastTwo < 12 || lastTwo > 14) ? few : many;
}

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
  return sign + grouped + (trimmed ? (language === "pl" ? "," : ".") + trimmed : "");
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
 * A length of time, coarsely: "45 s", "5 min", "3 godz." / "3 h", "2 dni" / "2 days".
 *
 * @example formatDuration(90_000, "pl") // "1 min"
 */
export function formatDuration(ms: number, language: Language): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return language === "pl" ? `${hours} godz.` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return language === "pl" ? `${days} ${plPlural(days, "dzień", "dni", "dni")}` : `${days} ${days === 1 ? "day" : "days"}`;
}

/**
 * How long ago something happened, e.g. "5 min temu" / "5 min ago".
 *
 * @param ageMs milliseconds since the event (negative: clock skew, read as "just now")
 */
export function formatAge(ageMs: number, language: Language): string {
  if (ageMs < 60_000) return language === "pl" ? "przed chwilą" : "just now";
  const duration = formatDuration(ageMs, language);
  return language === "pl" ? `${duration} temu` : `${duration} ago`;
}

/** Strings of the listing card and the digest. */
export interface NotifierTexts {
  rentExtra: (amount: string) => string;
  rooms: (n: number) => string;
  published: (age: string) => string;
  searchLabel: string;
  priceUnknown: string;
  openButton: string;
  muteButton: string;
  digestHeader: (n: number) => string;
}

const PL: NotifierTexts = {
  rentExtra: (amount) => `+ czynsz ${amount}`,
  rooms: (n) => `${n} ${plPlural(n, "pokój", "pokoje", "pokoi")}`,
  published: (age) => `dodano ${age}`,
  searchLabel: "Wyszukiwanie",
  priceUnknown: "cena do uzgodnienia",
  openButton: "Otwórz ogłoszenie",
  muteButton: "🔕 Wycisz to wyszukiwanie",
  digestHeader: (n) => `${n} ${plPlural(n, "nowe ogłoszenie", "nowe ogłoszenia", "nowych ogłoszeń")}`,
};

const EN: NotifierTexts = {
  rentExtra: (amount) => `+ rent ${amount}`,
  rooms: (n) => `${n} ${n === 1 ? "room" : "rooms"}`,
  published: (age) => `published ${age}`,
  searchLabel: "Search",
  priceUnknown: "price on request",
  openButton: "Open listing",
  muteButton: "🔕 Mute this search",
  digestHeader: (n) => `${n} new ${n === 1 ? "listing" : "listings"}`,
};

/** The strings for a recipient's language; Polish unless English was chosen. */
export function notifierTexts(language: Language): NotifierTexts {
  return language === "en" ? EN : PL;
}
