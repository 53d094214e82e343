import { describe, it } from "vitest";
import { formatAge, formatNumber, formatPrice, plPlural } from "../../../src/model/texts/index.ts";

describe("formats", () => {
  it("groups prices the Polish way, also four digits", ({ expect }) => {
    expect(formatPrice(2900, "PLN", "pl")).toBe("2 900 zł");
    expect(formatPrice(1_250_000, null, "en")).toBe("1 250 000 zł");
    expect(formatPrice(650, "EUR", "pl")).toBe("650 €");
    expect(formatNumber(48.5, "pl", 1)).toBe("48,5");
    expect(formatNumber(48.5, "en", 1)).toBe("48.5");
    expect(formatNumber(48.04, "pl", 1)).toBe("48");
  });

  it("uses Polish plurals", ({ expect }) => {
    expect([1, 2, 4, 5, 12, 22, 25].map((n) => plPlural(n, "pokój", "pokoje", "pokoi"))).toEqual([
      "pokój",
      "pokoje",
      "pokoje",
      "pokoi",
      "pokoi",
      "pokoje",
      "pokoi",
    ]);
  });

  it("says how long ago", ({ expect }) => {
    expect(formatAge(20_000, "pl")).toBe("przed chwilą");
    expect(formatAge(5 * 60_000, "pl")).toBe("5 min temu");
    expect(formatAge(5 * 60_000, "en")).toBe("5 min ago");
    expect(formatAge(3 * 3_600_000, "pl")).toBe("3 godz. temu");
    expect(formatAge(2 * 86_400_000, "pl")).toBe("2 dni temu");
    expect(formatAge(-5_000, "en")).toBe("just now");
  });
});
