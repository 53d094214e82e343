const POLISH: Record<string, string> = { ł: "l", Ł: "l" };

/**
 * Folds text for comparison: lower case, Polish (and other) diacritics
 * removed, punctuation as spaces, whitespace collapsed. "Śródmieście" and
 * "srodmiescie" fold alike; so do "Łódź" and "lodz".
 *
 * @example fold("  Piękny  BALKON, Łódź!") // "piekny balkon lodz"
 */
export function fold(text: string): string {
  return text
    .replace(/[łŁ]/g, (c) => POLISH[c] ?? c)
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
