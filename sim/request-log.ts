/**
 * What a fake site counts of the requests it answers, feed by feed: how many
 * a minute, and of the first-page requests (the polls) which ones were empty
 * as the site sees it: the page held nothing the feed's previous first page
 * did not. A poller's own count of empty polls can be checked against it.
 */

/** One poll, as the site saw it. */
export interface SitePoll {
  /** When the request arrived (ms). */
  at: number;
  /** Every offer on the page was on the feed's previous first page. */
  empty: boolean;
}

/** A feed's requests, as a fake site counted them. */
export interface FeedRequests {
  /** Every request for the feed, further pages and refused ones included. */
  requests: number;
  /** Requests by the minute they arrived in (key: the minute's start, ms since epoch). */
  perMinute: Record<string, number>;
  /** First-page requests the site answered with a page. */
  polls: number;
  emptyPolls: number;
  /** Each of those polls in order: to line the site's count up with a poller's at a given time. */
  pollLog: SitePoll[];
}

/** The counter a fake site keeps (one per site). */
export interface RequestLog {
  /** Counts a request for `feed` (its key, e.g. "olx:rent:flat:pl") arriving at `at`. */
  request(feed: string, at: number): void;
  /** Records the first page answered for `feed` at `at`: the ids of every offer it carried. */
  firstPage(feed: string, at: number, ids: readonly (string | number)[]): void;
  /** The counts so far, by feed key (a copy). */
  snapshot(): Record<string, FeedRequests>;
}

const MINUTE = 60_000; // ms

/** A fresh, empty request log. */
export function createRequestLog(): RequestLog {
  const feeds = new Map<string, FeedRequests>();
  const lastPage = new Map<string, Set<string>>();
  const of = (feed: string): FeedRequests => {
    let f = feeds.get(feed);
    if (!f) feeds.set(feed, (f = { requests: 0, perMinute: {}, polls: 0, emptyPolls: 0, pollLog: [] }));
    return f;
  };
  return {
    request(feed, at) {
      const f = of(feed);
      f.requests++;
      const minute = String(Math.floor(at / MINUTE) * MINUTE);
      f.perMinute[minute] = (f.perMinute[minute] ?? 0) + 1;
    },
    firstPage(feed, at, ids) {
      const f = of(feed);
      const page = new Set(ids.map(String));
      const previous = lastPage.get(feed);
      // The first poll of a feed is never empty: everything on it is news to whoever asks.
      const empty = previous !== undefined && [...page].every((id) => previous.has(id));
      lastPage.set(feed, page);
      f.polls++;
      if (empty) f.emptyPolls++;
      f.pollLog.push({ at, empty });
    },
    snapshot: () => structuredClone(Object.fromEntries(feeds)),
  };
}
