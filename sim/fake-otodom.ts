/**
 * A fake www.otodom.pl that answers the search pages GetMeOne reads:
 * `GET /pl/wyniki/<sprzedaz|wynajem>/<mieszkanie|dom|pokoj|dzialka>/<cala-polska | voivodeship | location path>?by=LATEST&direction=DESC&limit=&page=`,
 * as HTML whose `<script id="__NEXT_DATA__">` holds the page. Pure
 * web-standard handler, shared by workerd tests, `npm start` and the benchmark.
 *
 * Built from real captures, only values rewritten: the page is a real search
 * `__NEXT_DATA__` (the 2026 Kraków capture) with its `searchAds.items` and
 * `pagination` replaced; each listing is one of its real items (and any extra
 * real items given, e.g. the 2026 Gdańsk sale item and Poznań RENT item) with
 * a fresh id, slug id, price, times and place (address.city, province and
 * reverseGeocoding as the target says; `dateCreated` in Warsaw wall time).
 * The capture's items that are no listing (developer INVESTMENT tiles, the
 * "hpr/" promoted copy) stay at their places on every page, as the parser
 * meets them on the real one. The HTML around the script is a real page given
 * by the caller (e.g. the 2021 Warsaw search page) or else a minimal one.
 *
 * Filtering: deal and estate must match a listing's target; the location is
 * the whole country ("cala-polska"), a voivodeship (its listings' paths start
 * with it) or one place; `limit` (≤ 72, default 36) and `page` are honoured;
 * every other query parameter is ignored; order is always newest first.
 * Every request is counted per feed and per minute, and each first page is
 * judged empty or not as the site sees it (sim/request-log.ts).
 *
 * The fake reads no files: the caller passes the fixture contents in.
 */
import { feedKey } from "../src/model/feed.ts";
import type { Deal, Property } from "../src/model/listing.ts";
import { toBase62 } from "../src/sources/base62.ts";
import { voivodeshipName } from "./cities.ts";
import { formatWarsawLocal, formatWarsawOffset } from "../src/model/warsaw-time.ts";
import { type FlatAd, otodomPhotoUrl } from "./flats.ts";
import { blockedAnswer, createPublisher } from "./publisher.ts";
import type { FakeMode, FakeSite, PublishedListing, PublisherOptions } from "./publisher.ts";

export type { FakeMode } from "./publisher.ts";

/** Where a published listing belongs: the search URL's path parts. */
export interface OtodomTarget {
  deal: "sprzedaz" | "wynajem";
  estate: "mieszkanie" | "dom" | "pokoj" | "dzialka";
  /** Location path as Otodom writes it, e.g. "malopolskie/krakow/krakow/krakow". */
  path: string;
  /** City name for the listing's address (default: the template's). */
  cityName?: string;
  /** The voivodeship as Otodom writes it ("pomorskie", "śląskie"); default: the one the path starts with. */
  regionName?: string;
}

/** `initial`, `now`, `clock` and `firstId` (default 70_000_000) as sim/publisher.ts documents them. */
export interface FakeOtodomOptions extends PublisherOptions {
  /** A real search page `__NEXT_DATA__`, parsed (search-sell-flat-krakow-2026.json): the page and the item templates. */
  nextData: unknown;
  /** More real search items to use as templates (e.g. the parsed search-item-sell-gdansk-2026.json, search-rent-flat-poznan-2026-item.json). */
  extraItems?: readonly unknown[];
  /** A real Otodom page whose `__NEXT_DATA__` script content is replaced; default a minimal HTML page. */
  shellHtml?: string;
}

export interface FakeOtodomListing extends PublishedListing<OtodomTarget> {
  item: Record<string, unknown>;
}

/** handle, publish, steady, schedule, advance, listings, requests and feeds as sim/publisher.ts documents them. */
export interface FakeOtodom extends FakeSite<OtodomTarget, FakeOtodomListing> {
  /** ok; blocked (403); rate-limited (429 + Retry-After); changed-format (200 HTML without `__NEXT_DATA__`). */
  setMode(mode: FakeMode): void;
}

type Json = Record<string, unknown>;

const DEFAULT_LIMIT = 36;
const MAX_LIMIT = 72;
const NEXT_DATA_OPEN = '<script id="__NEXT_DATA__" type="application/json">';
const MINIMAL_SHELL =
  '<!DOCTYPE html><html lang="pl"><head><meta charSet="utf-8"/><title>Otodom</title></head>' +
  `<body><div id="__next"></div>${NEXT_DATA_OPEN}{}</script></body></html>`;
const DEALS = { SELL: "sprzedaz", RENT: "wynajem" } as const;
const TRANSACTIONS = { sprzedaz: "SELL", wynajem: "RENT" } as const;
const ESTATES = { FLAT: "mieszkanie", HOUSE: "dom", ROOM: "pokoj", TERRAIN: "dzialka" } as const;
const ESTATE_ENUMS = { mieszkanie: "FLAT", dom: "HOUSE", pokoj: "ROOM", dzialka: "TERRAIN" } as const;
const FEED_DEALS: Readonly<Record<string, Deal>> = { sprzedaz: "sale", wynajem: "rent" };
const FEED_PROPERTIES: Readonly<Record<string, Property>> = { mieszkanie: "flat", dom: "house", pokoj: "room", dzialka: "plot" };
/** Otodom's word for the whole country in a search path. */
const WHOLE_COUNTRY = "cala-polska";

export function createFakeOtodom(options: FakeOtodomOptions): FakeOtodom {
  const page = asObject(options.nextData, "nextData");
  const searchAds = dig(page, ["props", "pageProps", "data", "searchAds"]);
  const notListing = (t: Json) => t.estate === "INVESTMENT" || String(t.href ?? "").startsWith("hpr/");
  const usable = (items: readonly unknown[]) => items.map((t, i) => asObject(t, `template ${i}`)).filter((t) => !notListing(t));
  const captured = (Array.isArray(searchAds.items) ? searchAds.items : []).map((t, i) => asObject(t, `nextData item ${i}`));
  // Where the capture had tiles that are no listing: they keep those places on every page.
  const tiles = captured.flatMap((t, place) => (notListing(t) ? [{ place, item: t }] : []));
  // The page's own items serve its own feed; extra items only serve a target that asks for their kind (e.g. RENT).
  const own = usable(captured);
  const all = [...own, ...usable(options.extraItems ?? [])];
  if (all.length === 0) throw new Error("createFakeOtodom needs at least one search item template");

  // The page serialised once around two holes; each answer only serialises its items and pagination.
  const ITEMS = JSON.stringify("__fake_otodom_items__");
  const PAGINATION = JSON.stringify("__fake_otodom_pagination__");
  const skeleton = JSON.stringify(withSearchAds(page, { ...searchAds, items: JSON.parse(ITEMS), pagination: JSON.parse(PAGINATION) }));
  const itemsAt = skeleton.indexOf(ITEMS);
  const paginationAt = skeleton.indexOf(PAGINATION);
  const itemsFirst = itemsAt < paginationAt;
  const [firstHole, firstLength, secondHole, secondLength] = itemsFirst
    ? [itemsAt, ITEMS.length, paginationAt, PAGINATION.length]
    : [paginationAt, PAGINATION.length, itemsAt, ITEMS.length];
  const head = skeleton.slice(0, firstHole);
  const middle = skeleton.slice(firstHole + firstLength, secondHole);
  const tail = skeleton.slice(secondHole + secondLength);
  const shell = splitShell(options.shellHtml ?? MINIMAL_SHELL);
  const clock = options.clock ?? Date.now;

  const store = createPublisher<OtodomTarget, FakeOtodomListing>({
    ...options,
    site: "otodom",
    firstId: options.firstId ?? 70_000_000,
    make(id, at, target, _index, ad) {
      const wanted = target?.deal ? TRANSACTIONS[target.deal] : null;
      const matching = wanted ? all.filter((t) => t.transaction === wanted) : [];
      const pool = matching.length ? matching : own.length ? own : all;
      // By the flat: a repost takes its first ad's template, so its district too.
      const template = pool[ad.flat.seq % pool.length] as Json;
      const full: OtodomTarget = { ...targetOf(template), ...target };
      const item = rewrite(template, id, at, full, ad);
      return { id, publishedAt: at, refreshedAt: at, target: full, ad, firstPrice: priceOf(item), item };
    },
    setPrice(l, price) {
      const total = l.item.totalPrice as Json | null | undefined;
      if (!total) return;
      total.value = price;
      const perM2 = l.item.pricePerSquareMeter as Json | null | undefined;
      const area = l.item.areaInSquareMeters;
      if (perM2 && typeof area === "number" && area > 0) perM2.value = Math.round(price / area);
    },
    bump(l, at) {
      // A bump as the 2026 Gdańsk item shows one: dateCreated and pushedUpAt move to it, createdAtFirst stays.
      l.item.pushedUpAt = formatWarsawOffset(at);
      l.item.dateCreated = formatWarsawLocal(at);
    },
  });
  const listings = store.listings;

  async function handle(request: Request): Promise<Response> {
    store.arrive();
    const now = clock();
    const url = new URL(request.url);
    const m = /^\/pl\/wyniki\/(sprzedaz|wynajem)\/(mieszkanie|dom|pokoj|dzialka)\/(.+?)\/?$/.exec(url.pathname);
    const [, deal = "", estate = "", rawPath = ""] = m ?? [];
    const location = decodeURIComponent(rawPath);
    const feed = m ? feedOf(deal, estate, location) : "otodom:other";
    store.log.request(feed, now);
    const refused = blockedAnswer(store.mode);
    if (refused) return refused;
    if (request.method !== "GET" || !m) return html(shell[0] + shell[1], 404);
    if (store.mode === "changed-format") return html(shell[0] + shell[1]);

    const limit = Math.min(Math.max(int(url.searchParams.get("limit"), DEFAULT_LIMIT), 1), MAX_LIMIT);
    const current = Math.max(int(url.searchParams.get("page"), 1), 1);
    const matching = listings
      .filter((l) => l.target.deal === deal && l.target.estate === estate && inScope(l.target.path, location))
      .sort((a, b) => b.refreshedAt - a.refreshedAt || b.id - a.id);
    const listed = matching.slice((current - 1) * limit, current * limit).map((l, i) => ({ ...l.item, rowIndex: i }));
    const items = store.editPage(withTiles(listed, tiles));
    if (current === 1) store.log.firstPage(feed, now, items.map((item) => String(item.id)));
    const pagination = {
      totalItems: matching.length,
      totalPages: Math.max(1, Math.ceil(matching.length / limit)),
      currentPage: current,
      itemsPerPage: limit,
      __typename: "SearchPagination",
    };
    const [first, second] = itemsFirst ? [items, pagination] : [pagination, items];
    const nextData = head + JSON.stringify(first) + middle + JSON.stringify(second) + tail;
    return html(shell[0] + NEXT_DATA_OPEN + escapeForScript(nextData) + "</script>" + shell[1]);
  }

  return store.site(handle);
}

/** The target a template item already describes: its transaction, estate and city level of reverseGeocoding. */
function targetOf(item: Json): OtodomTarget {
  const locations = reverseLocations(item);
  const city = locations.find((l) => l.locationLevel === "city_or_village");
  return {
    deal: DEALS[item.transaction as keyof typeof DEALS] ?? "sprzedaz",
    estate: ESTATES[item.estate as keyof typeof ESTATES] ?? "mieszkanie",
    path: typeof city?.id === "string" ? city.id : "",
  };
}

const ROOMS_ENUM = ["ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX"];
const FLOORS_ENUM = ["GROUND", "FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "SIXTH", "SEVENTH", "EIGHTH", "NINTH", "TENTH"];
/** A city's mean price per m² in the fakes, as on fake OLX (sim/fake-olx.ts): a sale 12 000 zł, a rental 60 zł. */
const SALE_ZL_PER_M2 = 12_000;
const RENT_ZL_PER_M2 = 60;

const priceOf = (item: Json): number | null => {
  const value = (item.totalPrice as Json | null | undefined)?.value;
  return item.hidePrice !== true && typeof value === "number" ? value : null;
};

/** A template with a new identity: id, slug id, href, times, the target's deal, estate and city, and the ad's flat (title, area, rooms, floor, photo, price). */
function rewrite(template: Json, id: number, at: number, target: OtodomTarget, ad: FlatAd): Json {
  const item = structuredClone(template);
  const slug = String(item.slug ?? "ogloszenie").replace(/-ID[0-9A-Za-z]+$/, "") + `-ID${toBase62(id)}`;
  const local = formatWarsawLocal(at);
  item.id = id;
  item.slug = slug;
  if ("href" in item) item.href = `[lang]/ad/${slug}`;
  item.transaction = TRANSACTIONS[target.deal];
  item.estate = ESTATE_ENUMS[target.estate];
  item.dateCreated = local;
  // Otodom writes Warsaw wall-clock time with a "Z" here (see test/fixtures/otodom/PROVENANCE.md); so does the fake.
  if ("createdAtFirst" in item) item.createdAtFirst = `${local.replace(" ", "T")}Z`;
  if ("pushedUpAt" in item) item.pushedUpAt = null;

  const { flat } = ad;
  item.title = ad.title;
  item.areaInSquareMeters = flat.areaM2;
  item.roomsNumber = ROOMS_ENUM[flat.rooms - 1] ?? "FOUR";
  item.floorNumber = FLOORS_ENUM[flat.floor] ?? null;
  const images = Array.isArray(item.images) ? (item.images as Json[]) : [];
  if (images[0]) {
    const first = images[0];
    images[0] = { ...first, medium: otodomPhotoUrl(String(first.medium ?? ""), ad.photoFile), large: otodomPhotoUrl(String(first.large ?? ""), ad.photoFile) };
  }
  if (Array.isArray(item.imagesHashes) && typeof item.imagesHashes[0] === "string") item.imagesHashes[0] = otodomPhotoUrl(item.imagesHashes[0], ad.photoFile);
  // The price: the flat's area at the city's mean price per m², times the flat's and the ad's factors.
  const price = item.totalPrice as Json | null | undefined;
  if (price && typeof price.value === "number") {
    const perM2Mean = target.deal === "wynajem" ? RENT_ZL_PER_M2 : SALE_ZL_PER_M2;
    price.value = Math.round((flat.areaM2 * perM2Mean * flat.priceFactor * ad.priceFactor) / 10) * 10;
    const perM2 = item.pricePerSquareMeter as Json | null | undefined;
    if (perM2) perM2.value = Math.round((price.value as number) / flat.areaM2);
  }

  const templatePlace = targetOf(template).path;
  const voivodeship = target.path.split("/")[0] ?? target.path;
  // A place in another voivodeship than the template's is in that one, whether or not the caller named it.
  const regionName = target.regionName ?? (voivodeship !== templatePlace.split("/")[0] ? (voivodeshipName(voivodeship) ?? undefined) : undefined);
  if (target.path !== templatePlace || target.cityName || regionName) {
    const location = item.location as Json | undefined;
    const address = location?.address as Json | undefined;
    if (address && target.cityName) address.city = { ...(address.city as Json), name: target.cityName };
    if (address && regionName) address.province = { ...(address.province as Json), name: regionName };
    const geo = location?.reverseGeocoding as Json | undefined;
    if (geo && Array.isArray(geo.locations)) {
      const province = String(regionName ?? (address?.province as Json | undefined)?.name ?? voivodeship);
      // Districts of the template's city do not belong to another city: keep region and city only.
      geo.locations = (geo.locations as Json[])
        .filter((l) => l.locationLevel === "voivodeship" || l.locationLevel === "city_or_village")
        .map((l) => {
          if (l.locationLevel === "voivodeship") return regionName ? { ...l, id: voivodeship, name: province, fullName: province } : l;
          const name = String(target.cityName ?? l.name);
          return { ...l, id: target.path, name, fullName: `${name}, ${province}` };
        });
    }
  }
  return item;
}

/** The page's listings with the capture's tiles (INVESTMENT, promoted copy) at the places they had, while listings remain. */
function withTiles(listed: readonly Json[], tiles: readonly { place: number; item: Json }[]): Json[] {
  const out = [...listed];
  for (const { place, item } of tiles) if (place <= out.length) out.splice(place, 0, item);
  return out;
}

/** A search request's feed as the counts name it: feedKey's form ("otodom:sale:flat:pl"). */
function feedOf(deal: string, estate: string, location: string): string {
  const d = FEED_DEALS[deal];
  const p = FEED_PROPERTIES[estate];
  const region = location === WHOLE_COUNTRY ? null : { slug: location };
  return d && p ? feedKey({ source: "otodom", deal: d, property: p, region }) : `otodom:${deal}:${estate}:${location}`;
}

/** Otodom's location segment: the whole country, a voivodeship (its listings' paths start with it), else one place. */
function inScope(listingPath: string, asked: string): boolean {
  if (asked === WHOLE_COUNTRY) return true;
  return listingPath === asked || listingPath.startsWith(`${asked}/`);
}

function reverseLocations(item: Json): Json[] {
  const location = item.location as Json | undefined;
  const geo = location?.reverseGeocoding as Json | undefined;
  return Array.isArray(geo?.locations) ? (geo.locations as Json[]) : [];
}

function withSearchAds(page: Json, searchAds: Json): Json {
  const props = page.props as Json;
  const pageProps = props.pageProps as Json;
  const data = pageProps.data as Json;
  return { ...page, props: { ...props, pageProps: { ...pageProps, data: { ...data, searchAds } } } };
}

/** The shell's HTML before and after its `__NEXT_DATA__` script (removed). */
function splitShell(shellHtml: string): [string, string] {
  const open = shellHtml.indexOf('<script id="__NEXT_DATA__"');
  const close = open < 0 ? -1 : shellHtml.indexOf("</script>", open);
  if (open < 0 || close < 0) throw new Error("shellHtml has no __NEXT_DATA__ script");
  return [shellHtml.slice(0, open), shellHtml.slice(close + "</script>".length)];
}

/** What Next.js does to JSON inside a script tag: no "<", ">", "&", U+2028/9 left raw. */
function escapeForScript(json: string): string {
  return json
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function html(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8" } });
}

function int(text: string | null, fallback: number): number {
  const n = text === null ? fallback : Number(text);
  return Number.isInteger(n) ? n : fallback;
}

function dig(root: Json, path: string[]): Json {
  let at: unknown = root;
  for (const key of path) {
    if (typeof at !== "object" || at === null) throw new Error(`nextData has no ${path.join(".")}`);
    at = (at as Json)[key];
  }
  return asObject(at, path.join("."));
}

function asObject(value: unknown, what: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${what} must be a JSON object`);
  return value as Json;
}
