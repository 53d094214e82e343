import { parseWarsawLocal } from "../model/warsaw-time.ts";

/**
 * A date, a time and an offset, as OLX and Otodom write them:
 * "2023-05-20T11:32:37+02:00", "2026-04-09T17:25:11.000Z".
 */
const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Reads an ISO 8601 time with its offset as ms since the epoch; null when it
 * is not one. A time without an offset is refused rather than read in the
 * runtime's zone, and so is a date that does not exist (Date.parse would
 * roll "02-30" over into March).
 *
 * @example parseIsoInstant("2023-05-20T11:32:37+02:00") // Date.UTC(2023, 4, 20, 9, 32, 37)
 */
export function parseIsoInstant(text: string): number | null {
  const m = ISO_WITH_OFFSET.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return null;
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : t;
}

/**
 * The one place a platform's time becomes a listing's `publishedAt` (ms):
 * everything after the parser carries the number. Absent or empty is null
 * without a word (the page does not say); a text that does not read is null
 * and a warning, so a changed date format shows in the page's counts.
 */
function timeReader(parse: (text: string) => number | null, form: string) {
  return (text: string | null | undefined, warn: (message: string) => void): number | null => {
    if (!text) return null;
    const t = parse(text);
    if (t === null) warn(`publishedAt ${JSON.stringify(text)} is not ${form}`);
    return t;
  };
}

/** An ISO 8601 time with offset (OLX's times, Otodom's pushedUpAt and createdAt) → ms, see timeReader. */
export const readIsoTime = timeReader(parseIsoInstant, "an ISO 8601 time with offset");

/** Otodom's Warsaw wall-clock "YYYY-MM-DD hh:mm:ss" (dateCreated) → ms, see timeReader. */
export const readWarsawTime = timeReader(parseWarsawLocal, "a Warsaw wall-clock time");

/** A push-up within this of the creation is the publication itself, not a bump (Otodom writes both within seconds). */
const SAME_MOMENT_MS = 60_000;

/**
 * The bump time of an ad first listed at `firstListedAt` and last put on top at `topAt` (both
 * ms, read by the parser): `topAt` when it is a later moment, else null (never bumped, or one
 * of the two unknown).
 *
 * @example bumpAfter(Date.parse("2021-01-28T14:17:54+01:00"), Date.parse("2023-05-20T11:32:37+02:00")) // the 2023 time
 */
export function bumpAfter(firstListedAt: number | null, topAt: number | null): number | null {
  if (firstListedAt === null || topAt === null) return null;
  return topAt - firstListedAt > SAME_MOMENT_MS ? topAt : null;
}
