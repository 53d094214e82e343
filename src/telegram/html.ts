/**
 * Text for Telegram's HTML parse mode. Telegram accepts a small set of tags and
 * needs `<`, `>` and `&` escaped everywhere; `"` must be escaped too inside an
 * attribute (`<a href="...">`), so escapeHtml() escapes it always.
 */

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/**
 * Escapes text for HTML parse mode, attribute-safe.
 *
 * @example escapeHtml('<Tanio & "blisko">') // "&lt;Tanio &amp; &quot;blisko&quot;&gt;"
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);
}

/** The ellipsis appended to whatever was shortened. */
export const ELLIPSIS = "…";

/**
 * Escapes `text` and shortens it so the escaped result is at most `max`
 * characters (UTF-16 code units, as Telegram counts). The cut happens in the
 * raw text before escaping, so it never lands inside an entity, and never
 * between the two halves of a surrogate pair.
 *
 * @param text raw text
 * @param max the escaped result's length limit, ellipsis included
 * @example escapeTruncated("Kawalerka & ogród", 12) // "Kawalerka…"
 */
export function escapeTruncated(text: string, max: number): string {
  const full = escapeHtml(text);
  if (full.length <= max) return full;
  if (max < ELLIPSIS.length) return "";
  const budget = max - ELLIPSIS.length;
  let out = "";
  for (const char of text) {
    // `for...of` walks code points, so a surrogate pair is taken whole or not at all.
    const piece = ESCAPES[char] ?? char;
    if (out.length + piece.length > budget) break;
    out += piece;
  }
  return out.trimEnd() + ELLIPSIS;
}
