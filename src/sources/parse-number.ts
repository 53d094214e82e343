/**
 * Reads a number the way the platforms print them: "48", "34.17", "62,4",
 * "1 500 000", "199 000 zł" (spaces, no-break spaces and a trailing unit
 * allowed). null when there is no number at the start of the text.
 */
export function parseDecimal(text: string | null | undefined): number | null {
  if (text == null) return null;
  const compact = text.replace(/[\s\u00a0\u202f]/g, "");
  const m = /^-?\d+(?:[.,]\d+)?/.exec(compact);
  if (!m) return null;
  const n = Number(m[0].replace(",", "."));
  return Number.isFinite(n) ? n : null;
}

/** price / area, rounded to 0.01; null when either is missing (or not positive). */
export function perSquareMetre(price: number | null, areaM2: number | null): number | null {
  if (price === null || areaM2 === null || !(price > 0) || !(areaM2 > 0)) return null;
  return Math.round((price / areaM2) * 100) / 100;
}
