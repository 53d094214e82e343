/**
 * What the fake sites (sim/fake-olx.ts, sim/fake-otodom.ts) share: the store
 * of published listings, publishing now, steadily or on a schedule (caught up
 * on the caller's clock), the initial listings one minute apart, the request
 * counters (sim/request-log.ts), the mode and the 403/429 answers of a blocked
 * or rate-limited site. Each site keeps its own format: how a listing is made,
 * how a page is built and filtered.
 *
 * Plain TypeScript that Node runs by type stripping and workerd runs bundled.
 */
import { type FlatAd, firstAd, flatAt } from "./flats.ts";
import { type FeedRequests, type RequestLog, createRequestLog } from "./request-log.ts";

/** A web-standard handler, as the fakes in sim/ export them (served by sim/serve.ts, wrapped by sim/faults.ts). */
export type Handler = (request: Request) => Response | Promise<Response>;

export type FakeMode = "ok" | "blocked" | "rate-limited" | "changed-format";

/**
 * A change to the items a page lists, in the site's own JSON (OLX offers,
 * Otodom search items), applied as each page is answered: the chaos faults
 * (an empty page, duplicated items, a drifted format, a listing hidden for a
 * while). It returns new objects; the stored listings stay as published.
 */
export type PageEdit = (items: Record<string, unknown>[]) => Record<string, unknown>[];

/** One publication to come: when, and where (the site's target; absent: the site's default). */
export interface Arrival<Target> {
  at: number;
  target?: Partial<Target>;
}

/** What every published listing has; each site adds its own page content. */
export interface PublishedListing<Target> {
  id: number;
  /** When the ad was first published (a bump leaves it: see refreshedAt). */
  publishedAt: number;
  /** When it last reached the top of the feed: its publication, or its latest bump. Pages sort on it. */
  refreshedAt: number;
  target: Target;
  /** The flat it shows and how (sim/flats.ts); `ad.flat.id` is the ground truth the bench counts flats by. */
  ad: FlatAd;
  /** The price it was published at (a price change is recorded in the site's priceChanges); null: none shown. */
  firstPrice: number | null;
}

/** A published ad's price changed (the same ad, a new price): what the bench knows as the truth. */
export interface PriceChange {
  at: number;
  /** The listing's id on its site. */
  id: number;
  old: number;
  new: number;
  /** The change came with a bump to the top of the feed. */
  bumped: boolean;
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
  /** Publication on a schedule (times ascending), caught up by `advance` like steady mode, which it replaces. null stops it. */
  schedule(arrivals: Iterable<Arrival<Target>> | null): void;
  /** Publishes whatever the schedule (or steady mode) has due up to `now`, each stamped with its own due time. */
  advance(now: number): number[];
  /** Publishes an ad of a flat already shown (a repost, or a cross-post of the other site's) at `at`; returns its id. */
  publishAd(ad: FlatAd, at: number, target?: Partial<Target>): number;
  /** Bumps a published listing to the top of its feed at `at` (paid for by its author: a "pushup"); its first publication stays. */
  bump(id: number, at: number): void;
  /** Changes a published listing's price at `at` (recorded in priceChanges), and bumps it with that when `bump`. */
  changePrice(id: number, at: number, price: number, options?: { bump?: boolean }): void;
  /** Every price change so far, in order. */
  readonly priceChanges: readonly PriceChange[];
  /** ok; blocked (403); rate-limited (429 + Retry-After); changed-format (200, not the site's shape). */
  setMode(mode: FakeMode): void;
  /** Every page's items go through `edit` until it is set back to null. */
  setPageEdit(edit: PageEdit | null): void;
  readonly listings: readonly Listing[];
  /** Requests answered so far. */
  readonly requests: number;
  /** Requests per feed, per minute, and the polls empty as the site saw them (a copy). */
  readonly feeds: Record<string, FeedRequests>;
}

export interface Publisher<Target, Listing> {
  readonly listings: readonly Listing[];
  readonly mode: FakeMode;
  /** The per-feed counts the site's handler keeps (the handler knows which feed a request is for). */
  readonly log: RequestLog;
  /** Counts a request and publishes what steady mode has due up to clock(); the first thing a handler does. */
  arrive(): void;
  /** A page's items as the current PageEdit (if any) makes them. */
  editPage(items: Record<string, unknown>[]): Record<string, unknown>[];
  /** The site object around `handle`. */
  site(handle: (request: Request) => Promise<Response>): FakeSite<Target, Listing>;
}

/** Each site's flats are numbered apart, so two fakes never draw the same flat (sim/flats.ts). */
const FLAT_STREAM = { olx: 1, otodom: 2 } as const;

/**
 * The shared machinery of a fake site. `make` builds the listing with the
 * given id, time, (partial or absent) target and ad (a new flat's first one
 * unless a repost or cross-post is published); `index` is how many listings
 * came before it. `setPrice` and `bump` change a listing's page content.
 */
export function createPublisher<Target, Listing extends PublishedListing<Target>>(
  options: PublisherOptions & {
    site: keyof typeof FLAT_STREAM;
    firstId: number;
    make: (id: number, at: number, target: Partial<Target> | undefined, index: number, ad: FlatAd) => Listing;
    setPrice: (listing: Listing, price: number) => void;
    bump: (listing: Listing, at: number) => void;
  },
): Publisher<Target, Listing> {
  const clock = options.clock ?? Date.now;
  const make = options.make;
  const listings: Listing[] = [];
  const byId = new Map<number, Listing>();
  const priceChanges: PriceChange[] = [];
  let nextId = options.firstId;
  let mode: FakeMode = "ok";
  let pageEdit: PageEdit | null = null;
  let requests = 0;
  const log = createRequestLog();
  /** The schedule being followed, with its next publication read ahead. */
  let upcoming: { next: Arrival<Target> | undefined; rest: Iterator<Arrival<Target>> } | null = null;

  function publishOne(at: number, target: Partial<Target> | undefined, ad?: FlatAd): number {
    const id = nextId++;
    const index = listings.length;
    const listing = make(id, at, target, index, ad ?? firstAd(flatAt(FLAT_STREAM[options.site] * 100_000_000 + index, `${options.site}:${id}`)));
    listings.push(listing);
    byId.set(id, listing);
    return id;
  }

  function listing(id: number): Listing {
    const found = byId.get(id);
    if (!found) throw new Error(`no listing ${id} on the fake ${options.site}`);
    return found;
  }

  function bump(l: Listing, at: number): void {
    l.refreshedAt = at;
    options.bump(l, at);
  }

  function schedule(arrivals: Iterable<Arrival<Target>> | null): void {
    const rest = arrivals?.[Symbol.iterator]();
    upcoming = rest ? { next: following(rest), rest } : null;
  }

  function advance(now: number): number[] {
    const ids: number[] = [];
    while (upcoming?.next && upcoming.next.at <= now) {
      ids.push(publishOne(upcoming.next.at, upcoming.next.target));
      upcoming.next = following(upcoming.rest);
    }
    return ids;
  }

  const start = options.now ?? clock();
  for (let i = (options.initial ?? 0) - 1; i >= 0; i--) publishOne(start - i * 60_000, undefined);

  return {
    listings,
    log,
    get mode() {
      return mode;
    },
    arrive() {
      requests++;
      advance(clock());
    },
    editPage: (items) => (pageEdit ? pageEdit(items) : items),
    site: (handle) => ({
      handle,
      publish: (n, now, target) => Array.from({ length: n }, () => publishOne(now, target)),
      publishAd: (ad, at, target) => publishOne(at, target, ad),
      bump: (id, at) => bump(listing(id), at),
      changePrice(id, at, price, o = {}) {
        const l = listing(id);
        const old = priceChanges.findLast((c) => c.id === id)?.new ?? l.firstPrice;
        if (old === null) throw new Error(`listing ${id} shows no price to change`);
        options.setPrice(l, price);
        if (o.bump) bump(l, at);
        priceChanges.push({ at, id, old, new: price, bumped: o.bump === true });
      },
      get priceChanges() {
        return priceChanges;
      },
      steady: (o) => schedule(o && o.perMinute > 0 ? periodic(o.perMinute, o.from, o.target) : null),
      schedule,
      advance,
      setMode(m) {
        mode = m;
      },
      setPageEdit(edit) {
        pageEdit = edit;
      },
      get listings() {
        return listings;
      },
      get requests() {
        return requests;
      },
      get feeds() {
        return log.snapshot();
      },
    }),
  };
}

function following<T>(iterator: Iterator<T>): T | undefined {
  const r = iterator.next();
  return r.done ? undefined : r.value;
}

/** `perMinute` publications a minute, evenly spaced, from `from` on, for ever. */
function* periodic<Target>(perMinute: number, from: number, target: Partial<Target> | undefined): Generator<Arrival<Target>> {
  const interval = 60_000 / perMinute;
  for (let i = 0; ; i++) yield target ? { at: from + i * interval, target } : { at: from + i * interval };
}

/** A blocked site's 403 or a rate-limited site's 429 (Retry-After: 60); null in the other modes. */
export function blockedAnswer(mode: FakeMode): Response | null {
  if (mode === "blocked") return new Response("Forbidden", { status: 403, headers: { "content-type": "text/plain" } });
  if (mode === "rate-limited") {
    return new Response("Too Many Requests", { status: 429, headers: { "content-type": "text/plain", "retry-after": "60" } });
  }
  return null;
}
