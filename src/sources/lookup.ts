/**
 * A site's enum value through the table that translates it: null when the
 * page gives none; null and a warning when the table does not know it, so a
 * value the site adds shows in the page's counts instead of vanishing.
 * Only the table's own keys count ("constructor" is not a rooms value).
 *
 * @example lookup(OLX_ROOMS, "four", "rooms value", warn) // 4
 * lookup(OLX_ROOMS, "seven", "rooms value", warn) // null, warns 'unknown rooms value "seven"'
 */
export function lookup<T>(
  table: Readonly<Record<string, T>>,
  value: string | null | undefined,
  what: string,
  warn: (message: string) => void,
): T | null {
  if (!value) return null;
  if (Object.hasOwn(table, value)) return table[value] ?? null;
  warn(`unknown ${what} ${JSON.stringify(value)}`);
  return null;
}
