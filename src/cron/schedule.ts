/** When a feed is fetched next: pure, so the cron's decisions are testable without a clock. */

const MAX_BACKOFF_S = 30 * 60;
const BLOCK_BASE_S = 5 * 60;
const MAX_BLOCK_S = 2 * 60 * 60;

/**
 * A feed many searches share is fetched more often: its listings reach more
 * people, so a minute saved there is worth more. With a base of 60 s
 * (FEED_INTERVAL_S's default): 60 s alone, 30 s from 5 subscribers, 20 s from 25.
 */
export function feedInterval(subscribers: number, baseS: number): number {
  if (subscribers >= 25) return Math.max(1, Math.round(baseS / 3));
  if (subscribers >= 5) return Math.max(1, Math.round(baseS / 2));
  return baseS;
}

/** After a failed fetch: the interval doubled per consecutive failure, capped at 30 min. */
export function retryDelayS(intervalS: number, consecutiveFailures: number): number {
  return Math.min(intervalS * 2 ** Math.max(0, consecutiveFailures - 1), MAX_BACKOFF_S);
}

/** After the site blocked us: 5 min doubling per block in a row, capped at 2 h. */
export function blockDelayS(consecutiveFailures: number): number {
  return Math.min(BLOCK_BASE_S * 2 ** Math.max(0, consecutiveFailures - 1), MAX_BLOCK_S);
}

export interface DueCandidate {
  id: number;
  nextDueAt: number;
  blockedUntil: number | null;
}

/** Feeds to fetch now, most overdue first. */
export function dueFeeds<F extends DueCandidate>(feeds: readonly F[], now: number): F[] {
  return feeds
    .filter((f) => f.nextDueAt <= now && (f.blockedUntil === null || f.blockedUntil <= now))
    .sort((a, b) => a.nextDueAt - b.nextDueAt);
}
