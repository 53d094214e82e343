/**
 * A fake www.olx.pl that answers what GetMeOne asks: `GET /api/v1/offers/`
 * (the search API, newest first) and `GET /api/v1/offers/<id>/`. Pure
 * web-standard handler: workerd tests (test/helpers/fake-web.ts), `npm start`
 * (a Node server on 127.0.0.1) and the benchmark all use the same one.
 *
 * Pages are built from real captures, only values rewritten: each listing is
 * a real olx.pl API offer object (a template) with a fresh id, url id, price
 * and times; the page around them is the real 2026 API envelope (`data`,
 * `metadata`, `links.next.href`) of the olx.uz capture. No olx.pl real-estate
 * search response was found to copy (test/fixtures/olx/PROVENANCE.md).
 *
 * Filtering: `category_id`, `city_id` and `region_id` are honoured against
 * each listing's target (set when it was published); every other filter
 * (price, rooms, owner_type, …) is ignored. Order is always newest first.
 *
 * The fake reads no files: the caller passes the fixture contents in.
 */
import { toBase62 } from "../src/sources/base62.ts";
import { formatWarsawOffset } from "../src/model/warsaw-time.ts";
import { blockedAnswer, createPublisher } from "./publisher.ts";
import type { FakeMode, FakeSite, PublishedListing, PublisherOptions } from "./publisher.ts";

export type { FakeMode } from "./publisher.ts";

/** Where a published listing belongs: what the search query filters on. */
export interface OlxTarget {
  /** 14 flat sale, 15 flat rent. */
  categoryId: number;
  cityId: number;
  cityName: string;
  regionId: number | null;
  /** null: the city has no districts (the API then omits `location.district`). */
  districtName: string | null;
  lat: number;
  lon: number;
}

/** `initial`, `now`, `clock` and `firstId` as sim/publisher.ts documents them. */
export interface FakeOlxOptions extends PublisherOptions {
  /** Real API v1 offer objects, cycled as templates (e.g. the parsed api-offer-mieszkania-wroclaw-2023.json). */
  offers: readonly unknown[];
  /** A real `/api/v1/offers` response whose envelope is reused (the parsed api-offers-samochody-uz-tashkent-2026.json). */
  envelope: unknown;
  /** First id handed out. Default 900_000_000. */
  firstId?: number;
}

export interface FakeOlxListing extends PublishedListing<OlxTarget> {
  offer: Record<string, unknown>;
}

/** handle, publish, steady, advance, listings and requests as sim/publisher.ts documents them. */
export interface FakeOlx extends FakeSite<OlxTarget, FakeOlxListing> {
  /** ok; blocked (403); rate-limited (429 + Retry-After); changed-format (200 JSON that is not the API's shape). */
  setMode(mode: FakeMode): void;
}

const DAY = 86_400_000; // ms
const MAX_LIMIT = 50; // the API answers 400 above this
const MAX_WINDOW = 1000; // total_elements saturates here

type Json = Record<string, unknown>;

export function createFakeOlx(options: FakeOlxOptions): FakeOlx {
  const templates = options.offers.map((o, i) => asObject(o, `offers[${i}]`));
  if (templates.length === 0) throw new Error("createFakeOlx needs at least one offer template");
  const envelope = asObject(options.envelope, "envelope");
  const metadata = asObject(envelope.metadata ?? {}, "envelope.metadata");
  const store = createPublisher<OlxTarget, FakeOlxListing>({
    ...options,
    firstId: options.firstId ?? 900_000_000,
    make(id, at, target, index) {
      const template = templates[index % templates.length] as Json;
      const full = { ...targetOf(template), ...target };
      return { id, publishedAt: at, target: full, offer: rewrite(template, id, at, full, index) };
    },
  });
  const listings = store.listings;

  async function handle(request: Request): Promise<Response> {
    store.arrive();
    const url = new URL(request.url);
    if (request.method !== "GET") return apiError(405, "Method Not Allowed");
    const refused = blockedAnswer(store.mode);
    if (refused) return refused;
    const single = /^\/api\/v1\/offers\/(\d+)\/?$/.exec(url.pathname);
    if (single) {
      const found = listings.find((l) => l.id === Number(single[1]));
      return found ? json({ data: found.offer }) : apiError(404, "Not Found", "Ad not found.");
    }
    if (url.pathname !== "/api/v1/offers/" && url.pathname !== "/api/v1/offers") return apiError(404, "Not Found");

    const q = url.searchParams;
    const offset = int(q.get("offset"), 0);
    const limit = int(q.get("limit"), 40);
    if (!Number.isInteger(limit) || !Number.isInteger(offset) || limit < 1 || limit > MAX_LIMIT || offset < 0 || offset > MAX_WINDOW) return apiError(400, "Bad Request");
    const category = q.get("category_id");
    const city = q.get("city_id");
    const region = q.get("region_id");
    const matching = listings
      .filter(
        (l) =>
          (category === null || String(l.target.categoryId) === category) &&
          (city === null || String(l.target.cityId) === city) &&
          (region === null || String(l.target.regionId) === region),
      )
      .sort((a, b) => b.publishedAt - a.publishedAt || b.id - a.id);
    const window = Math.min(matching.length, MAX_WINDOW);
    const page = matching.slice(offset, Math.min(offset + limit, window)).map((l) => l.offer);

    if (store.mode === "changed-format") return json({ offers: page, total: matching.length });

    const at = (o: number) => {
      const u = new URL(url);
      u.searchParams.set("offset", String(o));
      return { href: u.toString() };
    };
    const links: Json = { self: { href: url.toString() } };
    if (offset + limit < window) links.next = at(offset + limit);
    links.first = at(0);
    return json({
      data: page,
      metadata: {
        ...metadata,
        total_elements: window,
        visible_total_count: matching.length,
        promoted: [],
        source: { promoted: [], organic: page.map((_, i) => i) },
      },
      links,
    });
  }

  return store.site(handle);
}

/** The target a template offer already describes (its own category, city, region, district, map). */
function targetOf(offer: Json): OlxTarget {
  const location = (offer.location ?? {}) as { city?: { id?: number; name?: string }; region?: { id?: number }; district?: { name?: string } };
  const map = (offer.map ?? {}) as { lat?: number; lon?: number };
  return {
    categoryId: Number((offer.category as { id?: number } | undefined)?.id ?? 0),
    cityId: location.city?.id ?? 0,
    cityName: location.city?.name ?? "",
    regionId: location.region?.id ?? null,
    districtName: location.district?.name ?? null,
    lat: map.lat ?? 0,
    lon: map.lon ?? 0,
  };
}

/** A template with a new identity: id, url id, price, times, and the target's category and place. Keys and shapes stay. */
function rewrite(template: Json, id: number, at: number, target: OlxTarget, n: number): Json {
  const offer = structuredClone(template);
  const time = formatWarsawOffset(at);
  offer.id = id;
  offer.url = String(offer.url).replace(/-ID[0-9A-Za-z]+\.html$/, `-ID${toBase62(id)}.html`);
  offer.created_time = time;
  offer.last_refresh_time = time;
  if ("pushup_time" in offer) offer.pushup_time = time;
  if ("omnibus_pushup_time" in offer) offer.omnibus_pushup_time = time;
  offer.valid_to_time = formatWarsawOffset(at + 30 * DAY);
  offer.category = { ...(offer.category as Json), id: target.categoryId };

  const location = (offer.location ?? {}) as Json;
  location.city = { ...(location.city as Json), id: target.cityId, name: target.cityName };
  if (target.regionId !== null) location.region = { ...(location.region as Json), id: target.regionId };
  if (target.districtName === null) delete location.district;
  else location.district = { ...(location.district as Json), name: target.districtName };
  offer.location = location;
  offer.map = { ...(offer.map as Json), lat: target.lat, lon: target.lon };

  // Prices spread ±15 % around the template's, in steps; a sale priced as a sale.
  const factor = 0.85 + (n % 11) * 0.03;
  const params = Array.isArray(offer.params) ? (offer.params as Json[]) : [];
  const area = Number((params.find((p) => p.key === "m")?.value as Json | undefined)?.key ?? 50);
  for (const p of params) {
    if (p.key !== "price") continue;
    const value = p.value as Json;
    const base = target.categoryId === 14 && Number(value.value) < 20_000 ? area * 12_000 : Number(value.value);
    const price = Math.round((base * factor) / 10) * 10;
    value.value = price;
    value.label = `${String(price).replace(/\B(?=(\d{3})+(?!\d))/g, " ")} zł`;
  }
  return offer;
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
