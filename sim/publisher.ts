/**
 * What the fake sites (sim/fake-olx.ts, sim/fake-otodom.ts) share: the store
 * of published listings, publishing now or steadily (caught up on the
 * caller's clock), the initial listings one minute apart, the request
 * counter, the mode and the 403/429 answers of a blocked or rate-limited
 * site. Each site keeps its own format: how a listing is made, how a page is
 * built and filtered.
 *
 * Plain TypeScript that Node runs by type stripping and workerd runs bundled.
 */

export type FakeMode = "ok" | "blocked" | "rate-limited" | "changed-format";

/** What every published listing has; each site adds its own page content. */
export interface PublishedListing<Target> {
  id: number;
  publishedAt: number;
  target: Target;
}

/** The options every fake site takes besides its captures. */
export interface PublisherOptions {
  /** Listings published when the fake is made, one minute apart, the newest at `now`. Default 0. */
  initial?: number;
  /** Time of the initial listings, ms since epoch. Default: clock(). */
  now?: number;
  /** What steady mode (and `now`'s default) reads. Default Date.now. */
  clock?: () => number;
  /** First id handed out. */
  firstId?: number;
}

/** A fake site: its handler and the controls a test or the simulator drives. */
export interface FakeSite<Target, Listing> {
  /** The site: answers one request. */
  handle(request: Request): Promise<Response>;
  /** Publishes n new listings at `now` (ms), newest last; returns their ids. */
  publish(n: number, now: number, target?: Partial<Target>): number[];
  /** Steady publication: `perMinute` listings a minute from `from` on, caught up by `advance` (called on every request with clock()). null stops it. */
  steady(options: { perMinute: number; from: number; target?: Partial<Target> } | null): void;
  /** Publishes whatever steady mode has due up to `now`, each stamped with its own due time. */
  advance(now: number): number[];
  /** ok; blocked (403); rate-limited (429 + Retry-After); changed-format (200, not the site's shape). */
  setMode(mode: FakeMode): void;
  readonly listings: readonly Listing[];
  /** Requests answered so far. */
  readonly requests: number;
}

export interface Publisher<Target, Listing> {
  readonly listings: readonly Listing[];
  readonly mode: FakeMode;
  /** Counts a request and publishes what steady mode has due up to clock(); the first thing a handler does. */
  arrive(): void;
  /** The site object around `handle`. */
  site(handle: (request: Request) => Promise<Response>): FakeSite<Target, Listing>;
}

/**
 * The shared machinery of a fake site. `make` builds the listing with the
 * given id, time and (partial or absent) target; `index` is how many listings
 * came before it (for cycling templates and spreading prices).
 */
export function createPublisher<Target, Listing>(
  options: PublisherOptions & {
    firstId: number;
    make: (id: number, at: number, target: Partial<Target> | undefined, index: number) => Listing;
  },
): Publisher<Target, Listing> {
  const clock = options.clock ?? Date.now;
  const make = options.make;
  const listings: Listing[] = [];
  let nextId = options.firstId;
  let mode: FakeMode = "ok";
  let requests = 0;
  let rate: { perMinute: number; from: number; target?: Partial<Target>; done: number } | null = null;

  function publishOne(at: number, target: Partial<Target> | undefined): number {
    const id = nextId++;
    listings.push(make(id, at, target, listings.length));
    return id;
  }

  function advance(now: number): number[] {
    if (!rate || rate.perMinute <= 0) return [];
    const interval = 60_000 / rate.perMinute;
    const due = Math.floor((now - rate.from) / interval) + 1;
    const ids: number[] = [];
    while (rate.done < due) {
      ids.push(publishOne(rate.from + rate.done * interval, rate.target));
      rate.done++;
    }
    return ids;
  }

  const start = options.now ?? clock();
  for (let i = (options.initial ?? 0) - 1; i >= 0; i--) publishOne(start - i * 60_000, undefined);

  return {
    listings,
    get mode() {
      return mode;
    },
    arrive() {
      requests++;
      advance(clock());
    },
    site: (handle) => ({
      handle,
      publish: (n, now, target) => Array.from({ length: n }, () => publishOne(now, target)),
      steady(o) {
        rate = o ? { ...o, done: 0 } : null;
      },
      advance,
      setMode(m) {
        mode = m;
      },
      get listings() {
        return listings;
      },
      get requests() {
        return requests;
      },
    }),
  };
}

/** A blocked site's 403 or a rate-limited site's 429 (Retry-After: 60); null in the other modes. */
export function blockedAnswer(mode: FakeMode): Response | null {
  if (mode === "blocked") return new Response("Forbidden", { status: 403, headers: { "content-type": "text/plain" } });
  if (mode === "rate-limited") {
    return new Response("Too Many Requests", { status: 429, headers: { "content-type": "text/plain", "retry-after": "60" } });
  }
  return null;
}
