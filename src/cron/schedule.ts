/**
 * When a feed is polled: pure, so the parser stage's decisions are testable
 * without a clock. A site's politeness budget (requests per minute) is split
 * among its feeds; a poller spends its share, and backs off on errors and blocks.
 */

/** Never poll one feed faster than this, whatever its share: a few seconds is the product, not a second. */
export const MIN_POLL_INTERVAL_MS = 2_000;
/** A feed is polled at least this often while anybody wants it. */
export const MAX_POLL_INTERVAL_MS = 60_000;
const MAX_BACKOFF_MS = 30 * 60_000;
const MAX_BLOCK_MS = 2 * 60 * 60_000;

/** What the reconciler knows of a feed when it shares out the budget. */
export interface ShareCandidate {
  key: string;
  /** Active searches that want what the feed reads. */
  subscribers: number;
}

/**
 * Splits one site's budget among its feeds, by the square root of each feed's
 * subscribers: a feed ten times as wanted gets about three times the polls,
 * so a busy feed is fast without starving a quiet one. No feed gets more than
 * one poll per MIN_POLL_INTERVAL_MS; what it cannot use goes to the others.
 * Shares are whole requests a minute and never add up to more than the
 * budget (more wanted feeds than requests a minute leaves some at 0, polled
 * once a minute: a budget below the number of feeds cannot be kept).
 *
 * @param budgetPerMin the site's requests per minute (OLX_REQUESTS_PER_MIN, OTODOM_REQUESTS_PER_MIN)
 * @returns requests per minute for each feed key
 * @example shareBudget(30, [{ key: "a", subscribers: 100 }, { key: "b", subscribers: 1 }]) // a 27, b 3
 */
export function shareBudget(budgetPerMin: number, feeds: readonly ShareCandidate[]): Map<string, number> {
  const cap = 60_000 / MIN_POLL_INTERVAL_MS;
  const shares = new Map<string, number>();
  let open = feeds.filter((f) => f.subscribers > 0);
  let left = budgetPerMin;
  // Water-filling: feeds that hit the cap give the rest back to the others.
  while (open.length > 0 && left > 1e-9) {
    const weight = open.reduce((sum, f) => sum + Math.sqrt(f.subscribers), 0);
    const capped = open.filter((f) => (left * Math.sqrt(f.subscribers)) / weight >= cap - (shares.get(f.key) ?? 0));
    if (capped.length === 0) {
      for (const f of open) shares.set(f.key, (shares.get(f.key) ?? 0) + (left * Math.sqrt(f.subscribers)) / weight);
      break;
    }
    for (const f of capped) {
      left -= cap - (shares.get(f.key) ?? 0);
      shares.set(f.key, cap);
    }
    open = open.filter((f) => !capped.includes(f));
  }
  for (const f of feeds) if (!shares.has(f.key)) shares.set(f.key, 0);
  return wholeShares(budgetPerMin, shares);
}

/**
 * Whole requests a minute, the leftover handed out by largest remainder. A
 * feed polled every 60/k s makes at most k polls in any minute; 6.3 a minute
 * could make 7 in one, and the site's total would pass its budget.
 */
function wholeShares(budgetPerMin: number, shares: Map<string, number>): Map<string, number> {
  const whole = new Map([...shares].map(([key, share]) => [key, Math.floor(share + 1e-9)]));
  let left = Math.floor(budgetPerMin + 1e-9) - [...whole.values()].reduce((a, b) => a + b, 0);
  const byRemainder = [...shares].filter(([, share]) => share > 0).sort((a, b) => (b[1] % 1) - (a[1] % 1));
  for (const [key] of byRemainder) {
    if (left <= 0) break;
    if ((whole.get(key) ?? 0) >= 60_000 / MIN_POLL_INTERVAL_MS) continue;
    whole.set(key, (whole.get(key) ?? 0) + 1);
    left--;
  }
  return whole;
}

/**
 * The pause after a poll that made `requests` requests: the feed's share
 * spent evenly, so over any minute the poller stays within it. A poll that
 * read three pages waits three intervals.
 */
export function pollIntervalMs(sharePerMin: number, requests: number): number {
  if (sharePerMin <= 0) return MAX_POLL_INTERVAL_MS;
  const each = Math.min(Math.max(60_000 / sharePerMin, MIN_POLL_INTERVAL_MS), MAX_POLL_INTERVAL_MS);
  return each * Math.max(1, requests);
}

/**
 * A feed failing for up to this long is retried at its normal interval: at
 * the pace of its share of the budget, so no more than it asks of the site
 * when all is well. A short outage (a captcha page, a few 5xx, a slow minute)
 * then costs no more than it lasts plus one interval.
 */
const RETRY_AT_PACE_MS = 60_000;

/**
 * When to try again after `consecutiveFailures` failed polls in a row (1 for
 * the first): the normal interval while the failures fit in RETRY_AT_PACE_MS,
 * then doubling per failure up to `capMs`. One bad page costs one interval,
 * an outage of up to a minute its length plus one interval; a longer one is
 * asked ~log2(outage / interval) more times, not once per interval, and its
 * recovery is seen at most about as long after the outage ended as it had
 * lasted (the delays double, so the last is never longer than those before it
 * together, plus the first).
 */
function backoffMs(intervalMs: number, consecutiveFailures: number, capMs: number): number {
  const atPace = Math.max(1, Math.floor(RETRY_AT_PACE_MS / intervalMs));
  return Math.min(intervalMs * 2 ** Math.max(0, consecutiveFailures - atPace), capMs);
}

/** After a failed poll (5xx, timeout, a page that cannot be read): see backoffMs; capped at 30 min. */
export function retryDelayMs(intervalMs: number, consecutiveFailures: number): number {
  return backoffMs(intervalMs, consecutiveFailures, MAX_BACKOFF_MS);
}

/**
 * After the site blocked us (a captcha, 403, 429): the same, capped at 2 h. A
 * lone captcha among good pages (DataDome shows them now and then) costs one
 * interval; a site that keeps blocking is asked at its usual pace for a
 * minute, then after 2, 4, 8, … intervals, then every 2 h: within its budget
 * always, and a few times an hour once the block lasts.
 */
export function blockDelayMs(intervalMs: number, consecutiveFailures: number): number {
  return backoffMs(intervalMs, consecutiveFailures, MAX_BLOCK_MS);
}
