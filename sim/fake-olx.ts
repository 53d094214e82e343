/**
 * A fake www.olx.pl that answers what GetMeOne asks: `GET /api/v1/offers`
 * (the search API, newest first, for all of Poland or one region) and
 * `GET /api/v1/offers/<id>/`. Pure web-standard handler: workerd tests
 * (test/helpers/fake-web.ts), `npm start` (a Node server on 127.0.0.1) and the
 * benchmark all use the same one.
 *
 * Pages are built from real captures, only values rewritten: each listing is
 * a real olx.pl API offer (a template of its category: the 2026 Gdańsk sale
 * offer, the 2023 Wrocław rental) with a fresh id, url id, price, times and
 * place; the page around them is a real answer's envelope, and so is its
 * paging (test/fixtures/olx/api-offers-mieszkania-sprzedaz-gdansk-2026.json):
 *
 * - A page carries as many organic offers as the captured answer did for its
 *   limit (40 → 39, `metadata.source.organic`), newest first, and
 *   `links.next` steps the offset by that many (offset=39), as the capture's does.
 * - Promoted offers are inserted at the captured `metadata.promoted` places
 *   (0-2, 13-15, 26-28, 39-41): so a 40-limit page carries 51 offers and its
 *   top is not the newest. They are ads published with `promoted` at least
 *   `promotedMinAgeMs` before the request (older and highlighted, like the
 *   capture's), most recent first, a different dozen on each page; they also
 *   sit at their own place among the organic ones, flagged, as on the 2023
 *   all-Poland page. Which dozen a page shows stays put unless
 *   `promotedRotateMs` says otherwise: no capture shows whether OLX rotates them.
 * - `metadata` (total_elements saturating at 1000, visible_total_count,
 *   promoted, source.promoted/organic) is recomputed for each page; the rest
 *   of the envelope is the capture's.
 *
 * Filtering: `category_id` and `region_id` are honoured against each
 * listing's target (set when it was published); every other filter is
 * ignored. Every request is counted per feed and per minute, and each first
 * page is judged empty or not as the site sees it (sim/request-log.ts).
 *
 * The fake reads no files: the caller passes the fixture contents in.
 */
import type { Deal, Property } from "../src/model/listing.ts";
import { feedKey } from "../src/model/feed.ts";
import { toBase62 } from "../src/sources/base62.ts";
import { formatWarsawOffset } from "../src/model/warsaw-time.ts";
import { fold } from "../src/lib/fold.ts";
import { type FlatAd, olxPhotoLink } from "./flats.ts";
import { blockedAnswer, createPublisher } from "./publisher.ts";
import type { FakeMode, FakeSite, PublishedListing, PublisherOptions } from "./publisher.ts";

export type { FakeMode } from "./publisher.ts";

/** Where a published listing belongs and what kind of ad it is: what the search query filters on, and what the page shows. */
export interface OlxTarget {
  /** 14 flat sale, 15 flat rent. */
  categoryId: number;
  cityId: number;
  cityName: string;
  /** location.city.normalized_name (OLX's slug, e.g. "zielonagora"); null: the name folded. */
  citySlug: string | null;
  regionId: number | null;
  /** location.region.name ("Pomorskie") and normalized_name ("pomorskie"); null: the template's. */
  regionName: string | null;
  regionSlug: string | null;
  /** null: no district (the API then omits `location.district`). */
  districtName: string | null;
  lat: number;
  lon: number;
  /** The ad bought a TOP promotion: highlighted, and once old enough shown in pages' promoted places. */
  promoted: boolean;
  /** An Otodom ad cross-posted to OLX (partner otodom_pl, external_url to that Otodom ad id); null: an OLX ad. */
  otodomId: number | null;
  /**
   * 0: a new ad. More: a bump, published at its time but created this long before (ms), as the
   * real 2023 Wrocław offer was (created_time 2021-01-28, pushup_time 2023-05-20).
   */
  bumpedAfterMs: number;
}

/** `initial`, `now`, `clock` and `firstId` as sim/publisher.ts documents them. */
export interface FakeOlxOptions extends PublisherOptions {
  /** Real API v1 offer objects; each listing takes one of its category if any (cycled), else any; without a category, the first one's. */
  offers: readonly unknown[];
  /** A real `/api/v1/offers` answer whose envelope and paging are reused (the parsed api-offers-mieszkania-sprzedaz-gdansk-2026.json). */
  envelope: unknown;
  /** First id handed out. Default 900_000_000. */
  firstId?: number;
  /** Promoted places show ads published with `promoted` at least this long before the request (ms). Default one hour. */
  promotedMinAgeMs?: number;
  /** The promoted ads a page shows move on to the next ones every this many ms; 0 (default): never. */
  promotedRotateMs?: number;
}

export interface FakeOlxListing extends PublishedListing<OlxTarget> {
  offer: Record<string, unknown>;
}

/** handle, publish, steady, schedule, advance, listings, requests and feeds as sim/publisher.ts documents them. */
export interface FakeOlx extends FakeSite<OlxTarget, FakeOlxListing> {
  /** ok; blocked (403); rate-limited (429 + Retry-After); changed-format (200 JSON that is not the API's shape). */
  setMode(mode: FakeMode): void;
}

const DAY = 86_400_000; // ms
const HOUR = 3_600_000; // ms
const MAX_LIMIT = 50; // the API answers 400 above this
const MAX_WINDOW = 1000; // total_elements saturates here
/** The slug of a cross-post's external_url (its -ID suffix is the target's otodomId). */
const CROSS_POST_SLUG = "mieszkanie-z-otodom";

type Json = Record<string, unknown>;

const CATEGORIES: Readonly<Record<number, { deal: Deal; property: Property }>> = { 14: { deal: "sale", property: "flat" }, 15: { deal: "rent", property: "flat" } };

export function createFakeOlx(options: FakeOlxOptions): FakeOlx {
  const templates = options.offers.map((o, i) => asObject(o, `offers[${i}]`));
  if (templates.length === 0) throw new Error("createFakeOlx needs at least one offer template");
  const envelope = asObject(options.envelope, "envelope");
  const paging = pagingOf(envelope);
  const promotedMinAgeMs = options.promotedMinAgeMs ?? HOUR;
  const rotateMs = options.promotedRotateMs ?? 0;
  const clock = options.clock ?? Date.now;
  // Region slugs as the published listings name them: how a region_id request is named in the counts.
  const regionSlugs = new Map<number, string>();
  const store = createPublisher<OlxTarget, FakeOlxListing>({
    ...options,
    site: "olx",
    firstId: options.firstId ?? 900_000_000,
    make(id, at, target, _index, ad) {
      // Without a category, a listing is of the first template's kind (the fake's default feed).
      const categoryId = target?.categoryId ?? targetOf(templates[0] as Json).categoryId;
      const ofCategory = templates.filter((t) => targetOf(t).categoryId === categoryId);
      const pool = ofCategory.length ? ofCategory : templates;
      const template = pool[ad.flat.seq % pool.length] as Json;
      const full: OlxTarget = { ...targetOf(template), ...target };
      // A place named without its slug is not the template's place.
      if (target?.cityName !== undefined && target.citySlug === undefined) full.citySlug = null;
      if (full.regionId !== null && full.regionSlug) regionSlugs.set(full.regionId, full.regionSlug);
      const offer = rewrite(template, id, at, full, ad);
      return { id, publishedAt: at, refreshedAt: at, target: full, ad, firstPrice: priceOf(offer), offer };
    },
    setPrice(l, price) {
      const old = priceOf(l.offer);
      const value = priceParam(l.offer)?.value as Json | undefined;
      if (!value) return;
      // What OLX shows of a lowered price: the old one struck through (previous_value, as the API names it).
      Object.assign(value, { value: price, label: zl(price), previous_value: old, previous_label: old === null ? null : zl(old) });
      setPricePerM2(l.offer, l.target.categoryId === 14, price);
    },
    bump(l, at) {
      l.offer.last_refresh_time = formatWarsawOffset(at);
      l.offer.pushup_time = formatWarsawOffset(at);
    },
  });
  const listings = store.listings;

  async function handle(request: Request): Promise<Response> {
    store.arrive();
    const now = clock();
    const url = new URL(request.url);
    const q = url.searchParams;
    const search = url.pathname === "/api/v1/offers/" || url.pathname === "/api/v1/offers";
    const feed = search ? feedOf(q.get("category_id"), q.get("region_id"), regionSlugs) : "olx:other";
    store.log.request(feed, now);
    if (request.method !== "GET") return apiError(405, "Method Not Allowed");
    const refused = blockedAnswer(store.mode);
    if (refused) return refused;
    const single = /^\/api\/v1\/offers\/(\d+)\/?$/.exec(url.pathname);
    if (single) {
      const found = listings.find((l) => l.id === Number(single[1]));
      return found ? json({ data: found.offer }) : apiError(404, "Not Found", "Ad not found.");
    }
    if (!search) return apiError(404, "Not Found");

    const offset = int(q.get("offset"), 0);
    const limit = int(q.get("limit"), 40);
    if (!Number.isInteger(limit) || !Number.isInteger(offset) || limit < 1 || limit > MAX_LIMIT || offset < 0 || offset > MAX_WINDOW) return apiError(400, "Bad Request");
    const category = q.get("category_id");
    const region = q.get("region_id");
    const matching = listings
      .filter((l) => (category === null || String(l.target.categoryId) === category) && (region === null || String(l.target.regionId) === region))
      .sort(newestFirst);
    const window = Math.min(matching.length, MAX_WINDOW);
    const step = Math.max(1, limit - paging.organicShortfall);
    const organic = matching.slice(offset, Math.min(offset + step, window));
    const promoted = promotedFor(matching, Math.floor(offset / step), now);
    const { data, promotedAt, organicAt } = interleave(organic, promoted, paging.promotedPlaces);
    const page = store.editPage(data.map((l) => l.offer));

    if (store.mode === "changed-format") return json({ offers: page, total: matching.length });
    if (offset === 0) store.log.firstPage(feed, now, data.map((l) => l.id));

    const at = (o: number) => {
      const u = new URL(url);
      u.searchParams.set("offset", String(o));
      return { href: u.toString() };
    };
    const links: Json = { self: { href: url.toString() } };
    if (offset + step < window) links.next = at(offset + step);
    links.first = at(0);
    return json({
      data: page,
      metadata: {
        ...paging.metadata,
        total_elements: window,
        visible_total_count: matching.length,
        promoted: promotedAt,
        source: { promoted: promotedAt, organic: organicAt },
      },
      links,
    });
  }

  /** The promoted ads for page `pageIndex` (0-based): old enough, most recent first, a dozen per page, cycling through the pool. */
  function promotedFor(matching: readonly FakeOlxListing[], pageIndex: number, now: number): FakeOlxListing[] {
    const pool = matching.filter((l) => l.target.promoted && l.refreshedAt <= now - promotedMinAgeMs);
    const per = paging.promotedPlaces.length;
    if (pool.length === 0 || per === 0) return [];
    const turn = rotateMs > 0 ? Math.floor(now / rotateMs) : 0;
    return Array.from({ length: Math.min(per, pool.length) }, (_, j) => pool[(turn * per + pageIndex * per + j) % pool.length] as FakeOlxListing);
  }

  return store.site(handle);
}

/** What the captured answer says about paging: where promoted offers go, how many organic ones a page falls short of its limit, and the rest of its metadata. */
function pagingOf(envelope: Json): { promotedPlaces: number[]; organicShortfall: number; metadata: Json } {
  const metadata = asObject(envelope.metadata ?? {}, "envelope.metadata");
  const promotedPlaces = Array.isArray(metadata.promoted) ? metadata.promoted.filter((n): n is number => typeof n === "number") : [];
  const source = (metadata.source ?? {}) as { organic?: unknown };
  const organic = Array.isArray(source.organic) ? source.organic.length : null;
  const self = ((envelope.links ?? {}) as { self?: { href?: unknown } }).self?.href;
  const limit = typeof self === "string" ? Number(new URL(self).searchParams.get("limit")) : Number.NaN;
  // The 2026 olx.pl answer carried 39 organic offers for limit=40 (and stepped by 39); the olx.uz one 10 for 10.
  const organicShortfall = organic !== null && Number.isInteger(limit) && limit > organic ? limit - organic : 0;
  return { promotedPlaces, organicShortfall, metadata };
}

/** The page's offers: promoted ones at their places while organic ones remain, and where each kind ended up. */
function interleave<T>(organic: readonly T[], promoted: readonly T[], places: readonly number[]): { data: T[]; promotedAt: number[]; organicAt: number[] } {
  const slots = new Set(places);
  const data: T[] = [];
  const promotedAt: number[] = [];
  const organicAt: number[] = [];
  for (let o = 0, p = 0; o < organic.length; ) {
    if (slots.has(data.length) && p < promoted.length) {
      promotedAt.push(data.length);
      data.push(promoted[p++] as T);
    } else {
      organicAt.push(data.length);
      data.push(organic[o++] as T);
    }
  }
  return { data, promotedAt, organicAt };
}

const newestFirst = (a: FakeOlxListing, b: FakeOlxListing) => b.refreshedAt - a.refreshedAt || b.id - a.id;

/** A search request's feed as the counts name it: feedKey's form ("olx:rent:flat:pl"). */
function feedOf(category: string | null, region: string | null, regionSlugs: ReadonlyMap<number, string>): string {
  const kind = CATEGORIES[Number(category)];
  const scope = region === null ? null : { slug: regionSlugs.get(Number(region)) ?? `region-${region}` };
  return kind ? feedKey({ source: "olx", ...kind, region: scope }) : `olx:category-${category ?? "all"}:${scope?.slug ?? "pl"}`;
}

/** The target a template offer already describes (its own category, place and kind). */
function targetOf(offer: Json): OlxTarget {
  const location = (offer.location ?? {}) as {
    city?: { id?: number; name?: string; normalized_name?: string };
    region?: { id?: number; name?: string; normalized_name?: string };
    district?: { name?: string };
  };
  const map = (offer.map ?? {}) as { lat?: number; lon?: number };
  return {
    categoryId: Number((offer.category as { id?: number } | undefined)?.id ?? 0),
    cityId: location.city?.id ?? 0,
    cityName: location.city?.name ?? "",
    citySlug: location.city?.normalized_name ?? null,
    regionId: location.region?.id ?? null,
    regionName: location.region?.name ?? null,
    regionSlug: location.region?.normalized_name ?? null,
    districtName: location.district?.name ?? null,
    lat: map.lat ?? 0,
    lon: map.lon ?? 0,
    promoted: false,
    otodomId: null,
    bumpedAfterMs: 0,
  };
}

/** A template with a new identity: id, url id, times, the target's category, place and kind, and the ad's flat (title, area, rooms, floor, pin, photo, price). Keys and shapes stay. */
function rewrite(template: Json, id: number, at: number, target: OlxTarget, ad: FlatAd): Json {
  const offer = structuredClone(template);
  const time = formatWarsawOffset(at);
  offer.id = id;
  offer.url = String(offer.url).replace(/-ID[0-9A-Za-z]+\.html$/, `-ID${toBase62(id)}.html`);
  offer.created_time = formatWarsawOffset(at - target.bumpedAfterMs);
  offer.last_refresh_time = time;
  if ("pushup_time" in offer) offer.pushup_time = time;
  if ("omnibus_pushup_time" in offer) offer.omnibus_pushup_time = time;
  offer.valid_to_time = formatWarsawOffset(at + 30 * DAY);
  offer.category = { ...(offer.category as Json), id: target.categoryId };

  const location = (offer.location ?? {}) as Json;
  location.city = { ...(location.city as Json), id: target.cityId, name: target.cityName, normalized_name: target.citySlug ?? fold(target.cityName).replace(/ /g, "-") };
  if (target.regionId !== null) {
    const region: Json = { ...(location.region as Json), id: target.regionId };
    if (target.regionName !== null) region.name = target.regionName;
    if (target.regionSlug !== null) region.normalized_name = target.regionSlug;
    location.region = region;
  }
  if (target.districtName === null) delete location.district;
  else location.district = { ...(location.district as Json), name: target.districtName };
  offer.location = location;
  // The flat's own place near the target's: OLX shows where the ad is, and the rule's pin gate reads it.
  const kmLat = 1 / 111;
  const lat = target.lat + ad.flat.northKm * kmLat;
  const lon = target.lon + (ad.flat.eastKm * kmLat) / Math.cos((target.lat * Math.PI) / 180);
  offer.map = { ...(offer.map as Json), lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };

  // The capture's promotion object; an ad that bought none has it all off.
  const promotion = (offer.promotion ?? {}) as Json;
  offer.promotion = target.promoted ? { ...promotion, highlighted: true, top_ad: true } : { ...promotion, highlighted: false, top_ad: false, options: [] };
  offer.partner = target.otodomId === null ? null : { code: "otodom_pl" };
  if (target.otodomId === null) delete offer.external_url;
  else offer.external_url = `https://www.otodom.pl/pl/oferta/${CROSS_POST_SLUG}-ID${toBase62(target.otodomId)}.html`;

  offer.title = ad.title;
  const photos = Array.isArray(offer.photos) ? (offer.photos as Json[]) : [];
  if (photos[0]) photos[0] = { ...photos[0], filename: ad.photoFile, link: olxPhotoLink(ad.photoFile) };
  rewriteFlat(offer, target.categoryId === 14, ad);
  return offer;
}

/** Polish prices: "2 900 zł". */
const zl = (price: number) => `${String(price).replace(/\B(?=(\d{3})+(?!\d))/g, " ")} zł`;
const ROOM_KEYS = ["one", "two", "three", "four"];
const ROOM_LABELS = ["1 pokój", "2 pokoje", "3 pokoje", "4 i więcej"];
/** A city's mean price per m² in the fakes: a sale 12 000 zł, a rental 60 zł (the Wrocław capture's 2 900 zł for 48 m²). */
const SALE_ZL_PER_M2 = 12_000;
const RENT_ZL_PER_M2 = 60;

const priceParam = (offer: Json) => (Array.isArray(offer.params) ? (offer.params as Json[]) : []).find((p) => p.key === "price");
const priceOf = (offer: Json): number | null => {
  const value = (priceParam(offer)?.value as Json | undefined)?.value;
  return typeof value === "number" ? value : null;
};

/**
 * The flat's area, rooms and floor in the params, and its price: its area at the city's mean
 * price per m² times the flat's and the ad's factors, a sale priced as a sale and a rental as
 * a rental whatever the template was; price per m² only on sales, as OLX has it.
 */
function rewriteFlat(offer: Json, sale: boolean, ad: FlatAd): void {
  const { flat } = ad;
  const params = Array.isArray(offer.params) ? (offer.params as Json[]) : [];
  const set = (key: string, value: Json) => {
    const p = params.find((x) => x.key === key);
    if (p) p.value = { ...(p.value as Json), ...value };
  };
  set("m", { key: String(flat.areaM2), label: `${String(flat.areaM2).replace(".", ",")} m²` });
  set("rooms", { key: ROOM_KEYS[flat.rooms - 1] ?? "four", label: ROOM_LABELS[flat.rooms - 1] ?? "4 i więcej" });
  set("floor_select", { key: `floor_${flat.floor}`, label: flat.floor === 0 ? "Parter" : String(flat.floor) });
  const value = priceParam(offer)?.value as Json | undefined;
  const price = value ? Math.round((flat.areaM2 * (sale ? SALE_ZL_PER_M2 : RENT_ZL_PER_M2) * flat.priceFactor * ad.priceFactor) / 10) * 10 : null;
  if (value && price !== null) Object.assign(value, { value: price, label: zl(price) });
  const perM2 = params.find((p) => p.key === "price_per_m");
  if (perM2 && (!sale || price === null)) {
    offer.params = params.filter((p) => p !== perM2);
    if (Array.isArray(offer.key_params)) offer.key_params = offer.key_params.filter((k) => k !== "price_per_m");
  } else if (price !== null) {
    setPricePerM2(offer, sale, price);
  }
}

function setPricePerM2(offer: Json, sale: boolean, price: number): void {
  const params = Array.isArray(offer.params) ? (offer.params as Json[]) : [];
  const perM2 = params.find((p) => p.key === "price_per_m");
  const area = Number((params.find((p) => p.key === "m")?.value as Json | undefined)?.key);
  if (!sale || !perM2 || !(area > 0)) return;
  const key = (price / area).toFixed(2);
  perM2.value = { ...(perM2.value as Json), key, label: `${key} zł/m²` };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8" } });
}

/** OLX's error body: `{"error":{"status":404,"title":"Not Found","detail":"Ad not found."}}`. */
function apiError(status: number, title: string, detail = ""): Response {
  return json({ error: { status, title, detail } }, status);
}

function int(text: string | null, fallback: number): number {
  const n = text === null ? fallback : Number(text);
  return Number.isInteger(n) ? n : Number.NaN;
}

function asObject(value: unknown, what: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${what} must be a JSON object`);
  return value as Json;
}
