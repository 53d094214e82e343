/**
 * SQL for an ISO 8601 text column (listings.published_at, with its offset) as
 * ms since the epoch; NULL stays NULL. Rounded: julianday's float would
 * otherwise be a millisecond off.
 *
 * @example `SELECT ${isoEpochMs("l.published_at")} FROM listings l`
 */
export function isoEpochMs(column: string): string {
  return `CAST(ROUND((julianday(${column}) - 2440587.5) * 86400000) AS INTEGER)`;
}
