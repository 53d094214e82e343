/**
 * The benchmark's users and saved searches, the SQL that seeds them, and the
 * expected notifications: computed here, from the seeded searches and what
 * the fake sites published, with the bench's own few lines of matching (the
 * criteria it seeds: source, deal, property, the listing's own city, and
 * inclusive price bounds), never with src/filter.
 */
import type { FakeOlxListing } from "../sim/fake-olx.ts";
import type { FakeOtodomListing } from "../sim/fake-otodom.ts";
import { weightedPicker } from "../sim/cities.ts";
import { prng } from "../sim/random.ts";

export type Source = "olx" | "otodom";
export type Deal = "rent" | "sale";

/** What a search asks for (one city, one deal, one property type on one site), and a feed the compressed worlds publish on. */
export interface BenchFeed {
  source: Source;
  deal: Deal;
  property: "flat";
  /** locations.slug */
  city: string;
}

export const feedKeyOf = (f: Pick<BenchFeed, "source" | "deal" | "property" | "city">) => `${f.source}|${f.deal}|${f.property}|${f.city}`;

/**
 * The small world's four feeds: flats for rent in Wrocław and for sale in Kraków, each on both
 * sites, so one flat can be on both (a cross-post) and a user with a search on each gets it once.
 * Prices follow each flat's area (sim/flats.ts: 60 zł/m² to rent, 12 000 zł/m² to buy, ±30 %),
 * some Otodom sales "Zapytaj o cenę"; the bounds searches pick from cut through them.
 */
const RENT_BOUNDS = { mins: [null, null, 1500, 2500], maxes: [null, 2500, 3500, 5000] } as const;
const SALE_BOUNDS = { mins: [null, null, 400_000, 700_000], maxes: [null, 600_000, 900_000, 1_500_000] } as const;
const SMALL_FEEDS: readonly { feed: BenchFeed; mins: readonly (number | null)[]; maxes: readonly (number | null)[] }[] = [
  { feed: { source: "olx", deal: "rent", property: "flat", city: "wroclaw" }, ...RENT_BOUNDS },
  { feed: { source: "otodom", deal: "sale", property: "flat", city: "krakow" }, ...SALE_BOUNDS },
  { feed: { source: "otodom", deal: "rent", property: "flat", city: "wroclaw" }, ...RENT_BOUNDS },
  { feed: { source: "olx", deal: "sale", property: "flat", city: "krakow" }, ...SALE_BOUNDS },
];

export interface BenchUser {
  telegramId: number;
  chatId: number;
}

export interface BenchSearch {
  user: BenchUser;
  name: string;
  feed: BenchFeed;
  priceMin: number | null;
  priceMax: number | null;
}

export interface BenchWorld {
  /** Feeds the fakes publish on steadily. */
  feeds: BenchFeed[];
  /** A feed that gets one listing, mid-run, matching `burstUsers` users at once; null: no burst. */
  burst: BenchFeed | null;
  users: BenchUser[];
  searches: BenchSearch[];
}

/** Telegram ids (= chat ids) of benchmark users start here; ADMIN_CHAT_ID is outside this range. */
export const FIRST_TELEGRAM_ID = 500_001;

const userAt = (i: number): BenchUser => ({ telegramId: FIRST_TELEGRAM_ID + i, chatId: FIRST_TELEGRAM_ID + i });

/**
 * The small world: N users with M searches each. A user's first search is on feed i % 4, the
 * others on the same city and deal on the other site (a cross-post reaches them twice), except
 * every fourth user's, which share the first one's feed (overlapping bounds: one notification
 * per flat, not two).
 */
export function makeSmallWorld(users: number, searchesPerUser: number, seed: number): BenchWorld {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const out: BenchWorld = { feeds: SMALL_FEEDS.map((f) => f.feed), burst: null, users: [], searches: [] };
  for (let i = 0; i < users; i++) {
    const user = userAt(i);
    out.users.push(user);
    for (let j = 0; j < searchesPerUser; j++) {
      // Feeds 0 and 2 are one city and deal on the two sites, as are 1 and 3.
      const at = i % 4 === 3 || j % 2 === 0 ? i % 4 : (i % 4) ^ 2;
      const { feed, mins, maxes } = SMALL_FEEDS[at] as (typeof SMALL_FEEDS)[number];
      let priceMin = pick(mins);
      const priceMax = pick(maxes);
      if (priceMin !== null && priceMax !== null && priceMin > priceMax) priceMin = null;
      out.searches.push({ user, name: `bench ${feed.source} ${feed.city} #${j + 1}`, feed, priceMin, priceMax });
    }
  }
  return out;
}

export interface LargeWorldOptions {
  users: number;
  searchesPerUser: number;
  /** Feeds published on steadily. */
  feeds: readonly BenchFeed[];
  /** Prices a feed's listings are published at (a sample of the fake's own output), ascending. */
  prices: ReadonlyMap<string, readonly number[]>;
  /** Searches per steady feed whose price range lies inside the published one (the rest are priced out). */
  liveSearchesPerFeed: number;
  /** The burst feed, and how many users (the first ones) have a search on it that its one listing matches. */
  burst: BenchFeed;
  burstUsers: number;
}

/**
 * The large world. Its size is the (users × searches), its message
 * volume is what the compressed clock allows: compressing an hour into
 * minutes multiplies the messages per second by the same factor, and
 * Telegram's 30 msg/s is not compressed. So on each steady feed only
 * `liveSearchesPerFeed` searches have a price range inside the feed's
 * published prices (10-30 % of them); every other search is priced out: a
 * budget below the market, or a floor above it, the way many real searches
 * wait for a listing that rarely comes. The filter evaluates all of them for
 * every listing all the same. The first `burstUsers` users also watch the
 * burst feed with no price bound, so its one listing matches all of them.
 */
export function makeLargeWorld(o: LargeWorldOptions, seed: number): BenchWorld {
  const random = prng(seed);
  const out: BenchWorld = { feeds: [...o.feeds], burst: o.burst, users: [], searches: [] };
  const byFeed = new Map<string, BenchSearch[]>();
  for (let i = 0; i < o.users; i++) {
    const user = userAt(i);
    out.users.push(user);
    for (let j = 0; j < o.searchesPerUser; j++) {
      if (j === 0 && i < o.burstUsers) {
        out.searches.push({ user, name: `bench burst ${o.burst.city}`, feed: o.burst, priceMin: null, priceMax: null });
        continue;
      }
      const feed = o.feeds[Math.floor(random() * o.feeds.length)] as BenchFeed;
      const search: BenchSearch = { user, name: `bench ${feed.source} ${feed.deal} ${feed.city} #${j + 1}`, feed, ...pricedOut(pricesOf(o, feed), random) };
      out.searches.push(search);
      const list = byFeed.get(feedKeyOf(feed)) ?? [];
      list.push(search);
      byFeed.set(feedKeyOf(feed), list);
    }
  }
  // Live searches: on each feed, some searches of users who have no live search yet.
  const live = new Set<number>();
  for (const feed of o.feeds) {
    const candidates = byFeed.get(feedKeyOf(feed)) ?? [];
    let made = 0;
    for (let tries = 0; made < o.liveSearchesPerFeed && tries < candidates.length * 4; tries++) {
      const search = candidates[Math.floor(random() * candidates.length)] as BenchSearch;
      if (live.has(search.user.chatId)) continue;
      live.add(search.user.chatId);
      Object.assign(search, liveRange(pricesOf(o, feed), random));
      made++;
    }
  }
  return out;
}

function pricesOf(o: LargeWorldOptions, feed: BenchFeed): readonly number[] {
  const prices = o.prices.get(feedKeyOf(feed));
  if (!prices?.length) throw new Error(`no published prices sampled for ${feedKeyOf(feed)}`);
  return prices;
}

const round10 = (n: number) => Math.round(n / 10) * 10;

/** A range covering one of `widths` (10, 20 or 30 %) of the published prices (by count): a search that gets some of the feed. */
function liveRange(prices: readonly number[], random: () => number, widths: readonly number[] = [0.1, 0.2, 0.3]): Pick<BenchSearch, "priceMin" | "priceMax"> {
  const width = widths[Math.floor(random() * widths.length)] as number;
  const from = random() * (1 - width);
  const at = (q: number) => prices[Math.min(prices.length - 1, Math.floor(q * prices.length))] as number;
  return { priceMin: at(from), priceMax: at(from + width) };
}

/** A budget below every published price, or a floor above them all. */
function pricedOut(prices: readonly number[], random: () => number): Pick<BenchSearch, "priceMin" | "priceMax"> {
  const low = prices[0] as number;
  const high = prices[prices.length - 1] as number;
  if (random() < 0.7) {
    const priceMax = round10(low * (0.5 + 0.45 * random()));
    return { priceMin: random() < 0.5 ? null : round10(priceMax * 0.6), priceMax };
  }
  const priceMin = round10(high * (1.05 + 0.5 * random()));
  return { priceMin, priceMax: random() < 0.5 ? null : round10(priceMin * 1.5) };
}

/** Options of {@link makeNationalWorld}. */
export interface NationalWorldOptions {
  users: number;
  searchesPerUser: number;
  /** The cities users search in (locations.slug), each with its share of the users. */
  cities: readonly { slug: string; weight: number }[];
  /** Prices each site's flats for sale and to rent come out at, ascending (key `source|deal`). */
  prices: ReadonlyMap<string, readonly number[]>;
  /** Of the searches on each site, the share for flats for sale. */
  saleShare: Readonly<Record<Source, number>>;
}

/**
 * The national world (--detect): users in cities skewed like the listings
 * (each city's weight), each with searches on either site for a flat in
 * their own city, half with no price bound, half with a range over 30-70 %
 * of what that site publishes, so a listing in a big city matches many users
 * and one in a small town a few. Nothing is published per feed: the fakes
 * publish nationally, and a listing matches by its own city.
 */
export function makeNationalWorld(o: NationalWorldOptions, seed: number): BenchWorld {
  const random = prng(seed);
  const pickCity = weightedPicker(o.cities, (c) => c.weight);
  const out: BenchWorld = { feeds: [], burst: null, users: [], searches: [] };
  for (let i = 0; i < o.users; i++) {
    const user = userAt(i);
    const city = pickCity(random).slug;
    out.users.push(user);
    for (let j = 0; j < o.searchesPerUser; j++) {
      const source: Source = random() < 0.5 ? "olx" : "otodom";
      const deal: Deal = random() < o.saleShare[source] ? "sale" : "rent";
      const feed: BenchFeed = { source, deal, property: "flat", city };
      const prices = o.prices.get(`${source}|${deal}`);
      if (!prices?.length) throw new Error(`no published prices sampled for ${source} ${deal}`);
      const bounds = random() < 0.5 ? { priceMin: null, priceMax: null } : liveRange(prices, random, [0.3, 0.5, 0.7]);
      out.searches.push({ user, name: `bench ${source} ${deal} ${city} #${j + 1}`, feed, ...bounds });
    }
  }
  return out;
}

/** The national feeds (feedKey's form, "olx:rent:flat:pl") the world's searches and feeds need: what the Worker polls. */
export function nationalFeedsOf(world: BenchWorld): string[] {
  const wanted = [...world.feeds, ...(world.burst ? [world.burst] : []), ...world.searches.map((s) => s.feed)];
  return [...new Set(wanted.map((f) => `${f.source}:${f.deal}:${f.property}:pl`))].sort();
}

const sqlValue = (v: number | string | null) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${v.replace(/'/g, "''")}'`);

/** Rows per multi-row INSERT: few statements for a large world, each well under SQLite's limits. */
const ROWS_PER_INSERT = 400;

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/**
 * INSERTs for the world's users (ids 1..N, in order) and searches, then the
 * search-version bump every search change needs. Expects an empty users table.
 */
export function seedSql(world: BenchWorld): string {
  const lines = ["-- Generated by bench/run.ts: benchmark users and saved searches."];
  const userId = new Map(world.users.map((u, i) => [u.chatId, i + 1]));
  for (const part of chunks(world.users, ROWS_PER_INSERT)) {
    const values = part.map((u) => `(${userId.get(u.chatId)}, ${u.telegramId}, ${u.chatId}, 'pl', 0)`);
    lines.push(`INSERT INTO users (id, telegram_id, chat_id, language, created_at) VALUES ${values.join(",\n  ")};`);
  }
  for (const part of chunks(world.searches, ROWS_PER_INSERT)) {
    const values = part.map(
      (s) =>
        `(${userId.get(s.user.chatId)}, ${sqlValue(s.name)}, ${sqlValue(s.feed.source)}, ${sqlValue(s.feed.deal)}, ${sqlValue(s.feed.property)}, ` +
        `(SELECT id FROM locations WHERE kind = 'city' AND slug = ${sqlValue(s.feed.city)}), ${sqlValue(s.priceMin)}, ${sqlValue(s.priceMax)}, 0, 0)`,
    );
    lines.push(
      `INSERT INTO saved_searches (user_id, name, source, deal, property, city_id, price_min, price_max, created_at, updated_at) VALUES ${values.join(",\n  ")};`,
    );
  }
  lines.push(`INSERT INTO settings (key, value) VALUES ('search_version', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1;`);
  return lines.join("\n") + "\n";
}
/** A listing a fake published, as the bench reads it from the fake's own store. */
export interface Published {
  /** `olx:<id>` / `otodom:<id>`: the fake's id, which the parsers keep as external_id. */
  key: string;
  source: Source;
  externalId: string;
  /** The `-ID<x>` token of its URL: how a Telegram message is traced back to it. */
  urlId: string;
  /** The site of its URL: an OLX cross-post's is otodom.pl (the parser keeps the Otodom ad's url). */
  urlSource: Source;
  deal: "rent" | "sale";
  property: "flat";
  /** locations.slug of the listing's own city (where the fake published it); `?<name>` when D1 has none, or no telling which. */
  city: string;
  /** The price the ad was published at (a later change is in the run's price changes); null: none shown. */
  price: number | null;
  /** The flat the fake's ad shows (sim/flats.ts): the same for every ad of it, on either site. */
  flatId: string;
  /** When the fake published it (ms). */
  publishedAt: number;
}

type Json = Record<string, unknown>;

/** A city row of D1's locations, as far as finding a listing's city goes. */
export interface CityRef {
  slug: string;
  name: string;
  olx_city_id: number | null;
  otodom_path: string | null;
}

/**
 * Which of D1's cities a listing is in, from where the fake published it
 * (its target): the bench's own ground truth, not the Worker's reading of the
 * page. null: none of D1's cities, or no telling which.
 */
export interface CityLookup {
  /** An OLX listing: by OLX's city id, else by its city's name. */
  olx(cityId: number, name: string): string | null;
  /** An Otodom listing: by its location path (a national town's, or D1's otodom_path), else by its city's name. */
  otodom(path: string, name: string): string | null;
}

/**
 * Names folded for comparison: lower case, no diacritics, "ł" as "l",
 * punctuation as spaces. The bench's own few lines, not src/lib/fold.ts: what
 * is expected must not lean on the code it checks.
 */
const foldName = (name: string) =>
  name.replace(/[łŁ]/g, "l").normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();

/**
 * A CityLookup over D1's cities, and the national fakes' towns (their Otodom
 * paths are the fakes' own; each town names its OLX city id). A name two
 * cities share resolves to neither.
 */
export function cityLookup(cities: Iterable<CityRef>, towns: readonly { otodomPath: string; olxId: number }[] = []): CityLookup {
  const byOlxId = new Map<number, string>();
  const byPath = new Map<string, string>();
  const byName = new Map<string, string | null>();
  for (const c of cities) {
    if (c.olx_city_id !== null) byOlxId.set(c.olx_city_id, c.slug);
    if (c.otodom_path !== null) byPath.set(c.otodom_path, c.slug);
    const name = foldName(c.name);
    byName.set(name, byName.has(name) ? null : c.slug);
  }
  const townOlxId = new Map(towns.map((t) => [t.otodomPath, t.olxId]));
  const named = (name: string) => byName.get(foldName(name)) ?? null;
  return {
    olx: (cityId, name) => byOlxId.get(cityId) ?? named(name),
    otodom(path, name) {
      const olxId = townOlxId.get(path);
      return (olxId === undefined ? undefined : byOlxId.get(olxId)) ?? byPath.get(path) ?? named(name);
    },
  };
}

/**
 * OLX: category 15 = flats for rent, 14 = for sale; city where the fake put
 * it; price from the `price` param; a cross-post traced by its Otodom url
 * (external_url), as the parser keeps it.
 */
export function publishedOlx(l: FakeOlxListing, cities: CityLookup): Published {
  const crossPost = typeof l.offer.external_url === "string" && (l.offer.partner as Json | null)?.code === "otodom_pl" ? l.offer.external_url : null;
  return {
    key: `olx:${l.id}`,
    source: "olx",
    externalId: String(l.id),
    urlId: urlIdOf(crossPost ?? String(l.offer.url)) ?? "",
    urlSource: crossPost ? "otodom" : "olx",
    deal: l.target.categoryId === 14 ? "sale" : "rent",
    property: "flat",
    city: cities.olx(l.target.cityId, l.target.cityName) ?? `?${l.target.cityName}`,
    price: l.firstPrice,
    flatId: l.ad.flat.id,
    publishedAt: l.publishedAt,
  };
}

/** Otodom: deal and city from the search path it was published under (the city's name from the item's address); no price when hidePrice. */
export function publishedOtodom(l: FakeOtodomListing, cities: CityLookup): Published {
  const address = (l.item.location as Json | undefined)?.address as Json | undefined;
  const city = (address?.city as Json | undefined)?.name;
  return {
    key: `otodom:${l.id}`,
    source: "otodom",
    externalId: String(l.id),
    urlId: urlIdOf(String(l.item.slug)) ?? "",
    urlSource: "otodom",
    deal: l.target.deal === "wynajem" ? "rent" : "sale",
    property: "flat",
    city: cities.otodom(l.target.path, String(city ?? "")) ?? `?${String(city ?? l.target.path)}`,
    price: l.firstPrice,
    flatId: l.ad.flat.id,
    publishedAt: l.publishedAt,
  };
}

/** The `-ID<x>` token at the end of an OLX or Otodom ad URL or slug. */
export function urlIdOf(url: string): string | null {
  return /-ID([0-9A-Za-z]+)(?:\.html)?(?:[?#].*)?$/.exec(url)?.[1] ?? null;
}

/** The bench's matching of what it seeds: same site, deal and property, the listing's own city; price within inclusive bounds; a bound on an unknown price is not met. */
export function searchMatches(s: BenchSearch, l: Published): boolean {
  if (s.feed.source !== l.source || s.feed.deal !== l.deal || s.feed.property !== l.property || s.feed.city !== l.city) return false;
  if (s.priceMin === null && s.priceMax === null) return true;
  if (l.price === null) return false;
  return (s.priceMin === null || l.price >= s.priceMin) && (s.priceMax === null || l.price <= s.priceMax);
}

/**
 * Expected notifications: one per (chat, flat) that any of the user's searches matches in any
 * ad of the flat, at the price it was published at. A repost or cross-post of a flat the chat
 * had is no new notification: the first ad's card is the flat's one message.
 */
export function expectedPairs(world: BenchWorld, published: readonly Published[]): Set<string> {
  const byFeed = Map.groupBy(world.searches, (s) => feedKeyOf(s.feed));
  const out = new Set<string>();
  for (const l of published) {
    for (const s of byFeed.get(feedKeyOf(l)) ?? []) if (searchMatches(s, l)) out.add(pairKey(s.user.chatId, l.flatId));
  }
  return out;
}

/** A chat and a flat (or, where the flat is no matter, a listing's key). */
export const pairKey = (chatId: number, flatOrListing: string) => `${chatId}|${flatOrListing}`;
