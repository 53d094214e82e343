/**
 * HTMLRewriter hands text and attribute values over as they are written in
 * the page, character references included ("&quot;", "&#39;", "&amp;").
 * This decodes the ones listing pages use; unknown named references stay as they are.
 */
const NAMED: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith("#")) {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** Collapses runs of whitespace (the 2016 markup indents its text heavily) and trims. */
export function squash(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
