/** A drop below this share is noise, not news (the default; the user may set another). */
export const DEFAULT_PRICE_DROP_THRESHOLD_PCT = 3;

/** What a new price means to a user who was sent the flat at another one. */
export interface PriceChange {
  kind: "drop" | "rise" | "none";
  oldPrice: number;
  newPrice: number;
  /** newPrice - oldPrice (negative for a drop). */
  change: number;
  /** change / oldPrice, in per cent, rounded to one decimal (−3.1). */
  changePct: number;
}

/**
 * Decides whether a flat's new price is worth a reply to the message the user got: "drop" when
 * it fell by at least `thresholdPct` % of the price they were sent, "rise" when it went up at
 * all (recorded, never sent), else "none". Null when either price is unknown or not positive:
 * a missing price is never a drop to zero.
 *
 * @example priceChange(2990, 2900) // { kind: "drop", change: -90, changePct: -3, ... }
 */
export function priceChange(sentPrice: number | null, newPrice: number | null, thresholdPct = DEFAULT_PRICE_DROP_THRESHOLD_PCT): PriceChange | null {
  if (sentPrice === null || newPrice === null || !(sentPrice > 0) || !(newPrice > 0)) return null;
  const change = newPrice - sentPrice;
  const changePct = Math.round((change / sentPrice) * 1000) / 10;
  // Compared unrounded, so 2.96 % is not a 3 % drop.
  const kind = change > 0 ? "rise" : -change / sentPrice >= thresholdPct / 100 ? "drop" : "none";
  return { kind, oldPrice: sentPrice, newPrice, change, changePct };
}
