import { describe, it } from "vitest";
import { DEFAULT_PRICE_DROP_THRESHOLD_PCT, priceChange } from "../../src/model/price-change.ts";

describe("priceChange", () => {
  it("is a drop from the threshold on (default 3 %), with old price, new price and change", ({ expect }) => {
    expect(DEFAULT_PRICE_DROP_THRESHOLD_PCT).toBe(3);
    // The demo's Plac Grunwaldzki flat, sent at 2 990 zł, seen again at 2 900 zł: −3.0 %.
    expect(priceChange(2990, 2900)).toEqual({ kind: "drop", oldPrice: 2990, newPrice: 2900, change: -90, changePct: -3 });
    expect(priceChange(1_578_000, 1_499_000)).toMatchObject({ kind: "drop", changePct: -5 });
  });

  it("is no news below the threshold (2.96 % is not 3 %), and a rise is a rise however small", ({ expect }) => {
    expect(priceChange(100_000, 97_040)?.kind).toBe("none");
    expect(priceChange(100_000, 97_000)?.kind).toBe("drop");
    expect(priceChange(2900, 2900)?.kind).toBe("none");
    expect(priceChange(2900, 2990)).toMatchObject({ kind: "rise", change: 90, changePct: 3.1 });
  });

  it("takes the user's own threshold", ({ expect }) => {
    expect(priceChange(1000, 990, 1)?.kind).toBe("drop");
    expect(priceChange(1000, 960, 5)?.kind).toBe("none");
  });

  it("says nothing when a price is unknown or not positive: a missing price is never a drop to zero", ({ expect }) => {
    expect(priceChange(null, 2900)).toBeNull();
    expect(priceChange(2900, null)).toBeNull();
    expect(priceChange(2900, 0)).toBeNull();
    expect(priceChange(0, 2900)).toBeNull();
  });
});
