import { fold } from "../lib/fold.ts";
import { distanceKm } from "../lib/geo.ts";
import type { Listing } from "./listing.ts";

/**
 * "The same flat" across ads and sites. An owner's OLX ad and an agency's Otodom ad, an agency
 * re-listing with a new id and another price, a promoted copy: one flat, several ads. No single
 * hash survives that (prices change, one site rounds the area, the other does not, OLX moves its
 * pins), so there are two steps, the way Fredy's listingFingerprint does it:
 *
 * 1. a coarse **blocking key** (deal, property, city, rooms, whole m²): only ads sharing one of a
 *    flat's keys are compared, so a lookup is one indexed query, never a scan;
 * 2. a **pairwise rule** (sameFlat): hard gates that any real difference fails, then evidence
 *    that must add up before two ads count as one flat.
 *
 * Where it departs from Fredy's: ads of one site are compared too (reposts are the commonest
 * duplicate here, and Fredy's cross-site-only rule cannot see them); the floor and the district
 * are gates, because a development's units share everything else (docs/FLATS.md: the 2023 OLX
 * units in Prądnik Biały share their pin to the eighth decimal); and a shared photo file is
 * evidence (both sites serve photos from OLX's apollo CDN). A false merge hides a flat from the
 * user, a missed one only sends it twice, so every threshold leans towards "not the same".
 */

/** What the rule reads of a listing. */
export type FlatFacts = Pick<
  Listing,
  "deal" | "property" | "city" | "district" | "areaM2" | "rooms" | "floor" | "lat" | "lon" | "price" | "title" | "photoUrl"
>;

/** Two ads' areas may differ this much (m²) and be one flat: rounding (82.79 vs 83), never a second unit. */
const AREA_SLACK_M2 = 1;
/** ...but never more than this share of the flat: on 25 m² a whole m² is a different unit. */
const AREA_SLACK_SHARE = 0.025;
/** Reposts change the price; by more than this it is another flat (or a typo we had better not trust). */
const PRICE_GATE = 0.2;
/** Portals move pins (Otodom's map radius is 500 m): further apart than this is another building. */
const DISTANCE_GATE_KM = 1.5;
/** Evidence needed: a shared photo alone, or e.g. the same title and the same price. */
const SAME_FLAT_SCORE = 3;

/** Words every flat ad says: left in, any two titles look alike. */
const TITLE_NOISE = new Set(
  (
    "mieszkanie mieszkania mieszkaniu pokoj pokoje pokoi pokojowe pokojowy pokojowa pokojami dwupokojowe trzypokojowe " +
    "kawalerka kawalerke apartament apartamentu sprzedam sprzedaz sprzedazy wynajme wynajem wynajmu najem na do od dla " +
    "lub oraz przy bez pod nad ulica bezposrednio oferta okazja nowe nowa nowy super m2 mkw metrow"
  ).split(" "),
);

/**
 * A title's distinguishing words: folded, without flat-ad boilerplate and one- or two-letter words.
 *
 * @example titleWords("2-pokojowe mieszkanie 40m2 + balkon Bez Prowizji") // Set {"40m2", "balkon", "prowizji"}
 */
export function titleWords(title: string): Set<string> {
  return new Set(
    fold(title)
      .split(" ")
      .filter((w) => w.length >= 3 && !TITLE_NOISE.has(w)),
  );
}

/** Jaccard similarity of two word sets; 0 when either is empty (no words, no evidence). */
function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * The file a photo URL shows on OLX's apollo CDN, which serves both sites: OLX writes it plainly
 * (`/v1/files/aljaj3n8om3r-PL/image;s=…`), Otodom inside a signed base64url JSON (`{"fn":"…"}`).
 * Sizes and signatures differ between the two URLs of one photo; the file does not.
 *
 * @returns null for any other URL
 */
export function photoFile(url: string | null): string | null {
  const m = /\/v1\/files\/([^/]+)\/image/.exec(url ?? "");
  if (!m?.[1]) return null;
  const token = m[1];
  if (!token.startsWith("eyJ")) return token;
  const payload = token.split(".")[0] ?? "";
  try {
    const json: unknown = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    const fn = typeof json === "object" && json !== null && "fn" in json ? json.fn : null;
    return typeof fn === "string" ? fn : null;
  } catch {
    return null;
  }
}

/**
 * The blocking key of a flat: deal, property, folded city, rooms and whole m². Null when one of
 * them is unknown: such an ad is never merged (nothing to compare it on).
 *
 * @example flatBlockKey({ deal: "sale", property: "flat", city: "Kraków", rooms: 3, areaM2: 82.79 }) // "sale|flat|krakow|3|83"
 */
export function flatBlockKey(l: Pick<FlatFacts, "deal" | "property" | "city" | "rooms" | "areaM2">, areaM2 = l.areaM2): string | null {
  if (!l.deal || !l.city || l.rooms === null || areaM2 === null || !(areaM2 > 0)) return null;
  return `${l.deal}|${l.property ?? ""}|${fold(l.city)}|${l.rooms}|${Math.round(areaM2)}`;
}

/** The keys an ad's flat may be stored under: its own and the neighbouring whole m² (rounding crosses them). */
export function flatBlockKeys(l: Pick<FlatFacts, "deal" | "property" | "city" | "rooms" | "areaM2">): string[] {
  if (l.areaM2 === null) return [];
  const area = l.areaM2;
  const keys = [area - AREA_SLACK_M2, area, area + AREA_SLACK_M2].map((a) => flatBlockKey(l, a));
  return [...new Set(keys.filter((k): k is string => k !== null))];
}

/** The rule's verdict on two ads, with what decided it (for the pair fixtures and docs/FLATS.md). */
export interface FlatMatch {
  same: boolean;
  /** No gate failed: only the evidence decides. */
  gatesPassed: boolean;
  score: number;
  /** The gate that failed, or the evidence that counted. */
  reasons: string[];
}

const apart = (reason: string): FlatMatch => ({ same: false, gatesPassed: false, score: 0, reasons: [reason] });

/** "Podgórze" and "Podgórze Duchackie" (OLX's sub-district) agree; "Mokotów" and "Ochota" do not. */
function districtsAgree(a: string | null, b: string | null): boolean {
  if (!a || !b) return true;
  const [fa, fb] = [fold(a), fold(b)];
  return fa === fb || fa.startsWith(`${fb} `) || fb.startsWith(`${fa} `) || fa.startsWith(`${fb}-`) || fb.startsWith(`${fa}-`);
}

/**
 * Whether two ads show the same flat.
 *
 * Gates (any one fails: not the same): deal, property and city as far as both say; the same
 * rooms and both areas known, within AREA_SLACK_M2 and AREA_SLACK_SHARE; districts that agree;
 * the same floor where both give one; prices within PRICE_GATE; pins within DISTANCE_GATE_KM.
 *
 * Evidence (SAME_FLAT_SCORE needed, at least one point of it from the photo or the title): a
 * shared photo file 3; titles sharing ≥ 60 % of their words 2, ≥ 35 % 1; the same price (within
 * 1 %) 1; the same area to the hundredth where it has decimals (82.79 and 82.79) 1; the same known
 * floor 1; pins within 150 m 1.
 */
export function sameFlat(a: FlatFacts, b: FlatFacts): FlatMatch {
  if (a.deal && b.deal && a.deal !== b.deal) return apart("deal differs");
  if (a.property && b.property && a.property !== b.property) return apart("property differs");
  if (!a.city || !b.city || fold(a.city) !== fold(b.city)) return apart("city differs or unknown");
  if (a.rooms === null || b.rooms === null || a.rooms !== b.rooms) return apart("rooms differ or unknown");
  if (a.areaM2 === null || b.areaM2 === null) return apart("area unknown");
  const areaGap = Math.abs(a.areaM2 - b.areaM2);
  if (areaGap > Math.min(AREA_SLACK_M2, Math.max(0.5, AREA_SLACK_SHARE * Math.min(a.areaM2, b.areaM2)))) {
    return apart(`area differs by ${areaGap.toFixed(2)} m²`);
  }
  if (!districtsAgree(a.district, b.district)) return apart("district differs");
  if (a.floor !== null && b.floor !== null && a.floor !== b.floor) return apart("floor differs");
  const priceGap = a.price && b.price ? Math.abs(a.price - b.price) / Math.max(a.price, b.price) : null;
  if (priceGap !== null && priceGap > PRICE_GATE) return apart(`price differs by ${Math.round(priceGap * 100)} %`);
  const km = a.lat !== null && a.lon !== null && b.lat !== null && b.lon !== null ? distanceKm({ lat: a.lat, lon: a.lon }, { lat: b.lat, lon: b.lon }) : null;
  if (km !== null && km > DISTANCE_GATE_KM) return apart(`pins ${km.toFixed(1)} km apart`);

  const reasons: string[] = [];
  let score = 0;
  const add = (points: number, reason: string) => {
    score += points;
    reasons.push(reason);
  };
  const photo = photoFile(a.photoUrl);
  if (photo !== null && photo === photoFile(b.photoUrl)) add(3, "same photo file");
  const words = jaccard(titleWords(a.title), titleWords(b.title));
  if (words >= 0.6) add(2, "same title words");
  else if (words >= 0.35) add(1, "similar title words");
  // Price, area, floor and pin are what a neighbouring unit of one building shares by chance;
  // only what the advertiser wrote or photographed tells a flat from its twin.
  const ownWords = score > 0;
  if (priceGap !== null && priceGap <= 0.01) add(1, "same price");
  if (areaGap < 0.005 && !Number.isInteger(a.areaM2)) add(1, "same area to the hundredth");
  if (a.floor !== null && a.floor === b.floor) add(1, "same floor");
  if (km !== null && km <= 0.15) add(1, "pins within 150 m");
  return { same: ownWords && score >= SAME_FLAT_SCORE, gatesPassed: true, score, reasons };
}

/** A stored ad a new one may be another ad of: its dedup key, its flat, its facts. */
export interface FlatCandidate extends FlatFacts {
  dedupKey: string;
  flatKey: string | null;
}

/**
 * The flat a new ad shows: the flat of the stored ad it is the same flat as (its own dedup key
 * counts: the OLX cross-post of an Otodom ad), the best-scoring one when several are; else the
 * ad's own dedup key, which then names a new flat.
 */
export function flatKeyFor(ad: FlatFacts & { dedupKey: string }, candidates: readonly FlatCandidate[]): string {
  let best: { key: string; score: number } | null = null;
  for (const c of candidates) {
    const key = c.flatKey ?? c.dedupKey;
    if (c.dedupKey === ad.dedupKey) return key;
    const match = sameFlat(ad, c);
    if (match.same && (best === null || match.score > best.score)) best = { key, score: match.score };
  }
  return best?.key ?? ad.dedupKey;
}
