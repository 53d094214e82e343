/**
 * Europe/Warsaw wall-clock time <-> instants, by the EU summer-time rule
 * (CEST from the last Sunday of March 01:00 UTC to the last Sunday of October
 * 01:00 UTC), which Poland has followed since 1996. Written out instead of
 * Intl so the result does not depend on the runtime's time-zone data.
 */

const HOUR = 3_600_000; // ms

function lastSundayUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

/** Warsaw's UTC offset in hours (1 or 2) at an instant. */
export function warsawOffsetHours(instant: number): 1 | 2 {
  const year = new Date(instant).getUTCFullYear();
  return instant >= lastSundayUtc(year, 2) && instant < lastSundayUtc(year, 9) ? 2 : 1;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/**
 * The instant a Warsaw wall-clock time (ms, read as if it were UTC) happens.
 * The October hour that happens twice has two readings: `ambiguous` says
 * which one wins. The March hour that never happens reads as one hour on
 * (02:30 is taken to mean 03:30 CEST).
 *
 * @example warsawInstant(Date.UTC(2026, 0, 10, 7, 0), "earlier") // Date.UTC(2026, 0, 10, 6, 0)
 */
export function warsawInstant(wall: number, ambiguous: "earlier" | "later"): number {
  const readings = ([2, 1] as const).map((offset) => wall - offset * HOUR).filter((t) => t + warsawOffsetHours(t) * HOUR === wall);
  if (readings.length === 0) return wall - HOUR;
  return ambiguous === "earlier" ? Math.min(...readings) : Math.max(...readings);
}

/**
 * Reads a Warsaw wall-clock time "YYYY-MM-DD hh:mm:ss" (Otodom's dateCreated)
 * as an instant (ms since epoch); null when it is not such a time. In the
 * October hour that happens twice, the earlier (summer) one wins: a listing
 * is not made younger than it may be.
 */
export function parseWarsawLocal(text: string): number | null {
  const m = LOCAL.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(asUtc);
  // Rejects 1999-02-29 and the like instead of rolling over to March.
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return warsawInstant(asUtc, "earlier");
}

/** An instant as Warsaw wall-clock ISO 8601 with its offset, e.g. "2023-05-20T11:32:37+02:00" (OLX's style). */
export function formatWarsawOffset(instant: number): string {
  const offset = warsawOffsetHours(instant);
  const local = new Date(instant + offset * HOUR).toISOString().slice(0, 19);
  return `${local}+0${offset}:00`;
}

/** An instant as Warsaw wall-clock "YYYY-MM-DD hh:mm:ss" (Otodom's dateCreated style). */
export function formatWarsawLocal(instant: number): string {
  return formatWarsawOffset(instant).slice(0, 19).replace("T", " ");
}
