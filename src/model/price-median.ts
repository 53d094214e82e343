import type { Deal, Property } from "./listing.ts";

/** How far back the comparable listings go. */
export const MEDIAN_WINDOW_MS = 90 * 24 * 3_600_000;

/**
 * The smallest sample a median is shown for. The median's standard error is about 1.25 σ/√n;
 * asking prices per m² of one city and rooms band spread by about a fifth around their mean
 * (coefficient of variation 0.22 for the 9 priced two-room flats of the 2026 Kraków capture,
 * 0.26 for the 12 three-room flats of the 2021 Warszawa one; docs/FLATS.md), so n = 30 puts the
 * median within about ±5-6 % (one standard error): fine for "−12 %", not for "−2 %"; the line
 * says n so the reader can weigh it.
 * Below 30 the district falls back to the city; below 30 there too, nothing is said.
 */
export const MIN_MEDIAN_SAMPLE = 30;

/** Rooms bands the medians are kept for: 1, 2, 3 and 4 for "4 and more". */
export function roomsBand(rooms: number | null): number | null {
  if (rooms === null || !(rooms >= 1)) return null;
  return Math.min(Math.floor(rooms), 4);
}

/** One stored median (D1 price_medians): `district` "" is the whole city. */
export interface PriceMedian {
  deal: Deal;
  property: Property;
  cityId: number;
  district: string;
  roomsBand: number;
  medianPerM2: number;
  n: number;
}

/** How a listing's price per m² stands against its comparables: "−12 % vs median, Mokotów, 2 rooms (n=143)". */
export interface MarketComparison {
  /** Whole per cent, negative when cheaper than the median. */
  pct: number;
  /** The district the median is of; null: the whole city. */
  district: string | null;
  roomsBand: number;
  n: number;
  medianPerM2: number;
}

/** What of a listing the comparison reads. */
export interface ComparedListing {
  deal: Deal | null;
  property: Property | null;
  cityId: number | null;
  district: string | null;
  rooms: number | null;
  areaM2: number | null;
  price: number | null;
  pricePerM2: number | null;
}

/**
 * The listing against the median of its district (when that sample has MIN_MEDIAN_SAMPLE
 * flats), else of its city (likewise), for its deal, property and rooms band; null when no
 * sample is large enough or the listing has no price per m². Never an estimate from less.
 */
export function compareToMedian(l: ComparedListing, medians: readonly PriceMedian[]): MarketComparison | null {
  const band = roomsBand(l.rooms);
  const perM2 = l.pricePerM2 ?? (l.price && l.areaM2 ? l.price / l.areaM2 : null);
  if (band === null || perM2 === null || !(perM2 > 0) || l.cityId === null || !l.deal || !l.property) return null;
  const of = (district: string) =>
    medians.find(
      (m) => m.deal === l.deal && m.property === l.property && m.cityId === l.cityId && m.roomsBand === band && m.district === district && m.n >= MIN_MEDIAN_SAMPLE,
    );
  const district = l.district ? of(l.district) : undefined;
  const median = district ?? of("");
  if (!median || !(median.medianPerM2 > 0)) return null;
  return {
    pct: Math.round((perM2 / median.medianPerM2 - 1) * 100),
    district: district ? median.district : null,
    roomsBand: band,
    n: median.n,
    medianPerM2: median.medianPerM2,
  };
}
