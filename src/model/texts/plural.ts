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
