import type { DraftProblem } from "../model/search.ts";

/** A min–max pair as typed; null ends are open. */
export interface Range {
  min: number | null;
  max: number | null;
}

const ANY = new Set(["", "-", "—", "any", "anything", "none", "skip", "dowolnie", "dowolna", "dowolny", "obojętnie", "pomiń", "pomin", "bez", "brak", "całe miasto", "cale miasto", "whole city"]);

/** "-", "any", "pomiń", "całe miasto"…: the answer that means "no constraint". */
export function meansAny(text: string): boolean {
  return ANY.has(text.trim().toLowerCase());
}

/** Multipliers people type after a number: "3,5k", "800 tys", "1,2 mln". */
const SCALES: Readonly<Record<string, number>> = { "": 1, k: 1_000, tys: 1_000, m: 1_000_000, mln: 1_000_000 };

const FROM_TO = /^(?:od|from)\s*(.+?)\s+(?:do|to)\s*(.+)$/u;
const FROM = /^(?:od|from|min\.?|>=?|powyżej|above)\s*(.+)$/u;
const PLUS = /^(.+?)\s*(?:\+|i więcej|or more)$/u;
const TO = /^(?:do|to|up to|max\.?|<=?|poniżej|below)\s*(.+)$/u;
const PAIR = /^(.*\d.*?)\s*(?:-|–|—|\.\.)\s*(.+)$/u;

/**
 * One typed amount: "3500", "3 500", "3 500,50" (Polish grouping and decimal
 * comma), "3,5k", "800 tys.", "1,2 mln", with an optional unit ("zł", "m2").
 *
 * @returns the number, or a problem: "negative" for "-500", "number" for anything else
 */
export function parseAmount(text: string): number | DraftProblem {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/(zł|zl|pln|m2|m²|pok\.?|pokoje|pokoi|rooms?)$/u, "")
    .trim();
  if (/^-\s*\d/.test(t)) return "negative";
  // "3.500" and "1.200.000" group thousands with dots, as many Poles write them.
  if (/^\d{1,3}(\.\d{3})+$/.test(t)) return Number(t.replace(/\./g, ""));
  const match = /^(\d[\d\s\u00a0]*(?:[.,]\d+)?)\s*(k|tys\.?|mln|m)?$/u.exec(t);
  if (!match?.[1]) return "number";
  const digits = match[1].replace(/[\s\u00a0]/g, "").replace(",", ".");
  const scale = SCALES[(match[2] ?? "").replace(".", "")] ?? 1;
  const value = Number(digits) * scale;
  return Number.isFinite(value) ? Math.round(value * 100) / 100 : "number";
}

function bothEnds(low: string, high: string): Range | DraftProblem {
  const min = parseAmount(low);
  const max = parseAmount(high);
  if (typeof min !== "number") return min;
  if (typeof max !== "number") return max;
  return { min, max };
}

/**
 * A range as people type it in a chat: "2000-3500", "2000–3500", "od 2000",
 * "do 3500", "from 40", "up to 60", "3+", "<3000", or one number, which is a
 * maximum for prices and areas and an exact value for rooms. "-" or "any"
 * clears both ends. Order is not checked here: the draft schema says
 * "the minimum is above the maximum" in one place for bot and page.
 *
 * @param single what one bare number means
 * @example parseRange("do 3 500") // { min: null, max: 3500 }
 * @example parseRange("2-3", "exact") // { min: 2, max: 3 }
 */
export function parseRange(text: string, single: "max" | "exact" = "max"): Range | DraftProblem {
  const t = text.trim().toLowerCase();
  if (meansAny(t)) return { min: null, max: null };
  const both = FROM_TO.exec(t) ?? PAIR.exec(t);
  if (both) return bothEnds(both[1] ?? "", both[2] ?? "");
  const from = FROM.exec(t) ?? PLUS.exec(t);
  if (from) {
    const min = parseAmount(from[1] ?? "");
    return typeof min === "number" ? { min, max: null } : min;
  }
  const upTo = TO.exec(t);
  if (upTo) {
    const max = parseAmount(upTo[1] ?? "");
    return typeof max === "number" ? { min: null, max } : max;
  }
  const value = parseAmount(t);
  if (typeof value !== "number") return value;
  return single === "exact" ? { min: value, max: value } : { min: null, max: value };
}

/** "Mokotów, Wola; Żoliborz" → ["Mokotów", "Wola", "Żoliborz"]: commas, semicolons or new lines. */
export function parseList(text: string): string[] {
  return text
    .split(/[,;\n]+/)
    .map((w) => w.trim().replace(/\s+/g, " "))
    .filter(Boolean);
}

/**
 * Keywords to want and to avoid, in one line: "balkon, winda, -parter, -kawalerka".
 * A leading minus (or "bez") excludes.
 *
 * @example parseKeywords("balkon -parter") // { include: ["balkon"], exclude: ["parter"] }
 */
export function parseKeywords(text: string): { include: string[]; exclude: string[] } {
  const include: string[] = [];
  const exclude: string[] = [];
  // "bez X" / "no X" / "not X" exclude the next word even without commas: "balkon bez parteru".
  const marked = text.replace(/(^|[\s,;])(?:bez|no|not)\s+(?=\S)/giu, "$1-");
  const items = /[,;\n]/.test(marked) ? parseList(marked) : marked.trim().split(/\s+/).filter(Boolean);
  for (const item of items) {
    const negative = /^(-|–)/u.exec(item);
    const word = (negative ? item.slice(negative[0].length) : item).trim();
    if (!word) continue;
    (negative ? exclude : include).push(word);
  }
  return { include, exclude };
}
