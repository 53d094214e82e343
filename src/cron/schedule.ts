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
 * When to try again after `consecutiveFailures` failed polls in a row (1 for
 * the first): one normal interval after the first, then doubling up to `capMs`.
 * One bad page (a 5xx, a timeout, a captcha among good pages) so costs one
 * interval, not minutes. And whatever the length of an outage, the retry that
 * finds the site back comes at most about as long after the outage began as
 * the outage lasted, plus one interval: the delays double, so the last one
 * is never longer than all the previous ones together plus the first. A site
 * down for an hour is asked ~log2(1 h / interval) times, not once per interval.
 */
function backoffMs(intervalMs: number, consecutiveFailures: number, capMs: number): number {
  return Math.min(intervalMs * 2 ** Math.max(0, consecutiveFailures - 1), capMs);
}

/** After a failed poll (5xx, timeout, a page that cannot be read): see backoffMs; capped at 30 min. */
export function retryDelayMs(intervalMs: number, consecutiveFailures: number): number {
  return backoffMs(intervalMs, consecutiveFailures, MAX_BACKOFF_MS);
}

/**
 * After the site blocked us (a captcha, 403, 429): the same doubling from one
 * interval, capped at 2 h. A lone captcha among good pages (DataDome shows
 * them now and then) costs one interval; a site that keeps blocking is asked
 * again after 1, 2, 4, … intervals, ~12 times in its first two hours at a
 * 2 s interval, then every 2 h: never hammered.
 */
export function blockDelayMs(intervalMs: number, consecutiveFailures: number): number {
  return backoffMs(intervalMs, consecutiveFailures, MAX_BLOCK_MS);
}
