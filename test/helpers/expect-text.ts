import type { ExpectStatic } from "vitest";

/**
 * Expects `text` to contain each of `parts`, one toContain per part, so a
 * failure names the part that is missing.
 *
 * @example
 * expectToContainAll(expect, chat.last(), ["Cena: do 3 500 zł", "Pokoje: 2–3"]);
 */
export function expectToContainAll(expect: ExpectStatic, text: string, parts: readonly string[]): void {
  for (const part of parts) expect(text).toContain(part);
}
