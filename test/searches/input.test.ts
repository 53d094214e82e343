import { describe, it } from "vitest";
import { parseAmount, parseKeywords, parseList, parseRange } from "../../src/searches/input.ts";

describe("parseAmount", () => {
  it("reads amounts as people type them", ({ expect }) => {
    expect(parseAmount("3500")).toBe(3500);
    expect(parseAmount("3 500 zł")).toBe(3500);
    expect(parseAmount("3\u00a0500")).toBe(3500);
    expect(parseAmount("48,5 m2")).toBe(48.5);
    expect(parseAmount("3,5k")).toBe(3500);
    expect(parseAmount("800 tys.")).toBe(800_000);
    expect(parseAmount("1,2 mln")).toBe(1_200_000);
    // Dots grouping thousands, as many write prices.
    expect(parseAmount("3.500")).toBe(3500);
    expect(parseAmount("1.200.000 zł")).toBe(1_200_000);
    expect(parseAmount("3.5")).toBe(3.5);
  });

  it("says what is wrong with what it cannot read", ({ expect }) => {
    expect(parseAmount("-500")).toBe("negative");
    expect(parseAmount("tanio")).toBe("number");
    expect(parseAmount("12abc")).toBe("number");
  });
});

describe("parseRange", () => {
  it("reads ranges, open ends and 'any'", ({ expect }) => {
    expect(parseRange("2000-3500")).toEqual({ min: 2000, max: 3500 });
    expect(parseRange("od 2000 do 3 500 zł")).toEqual({ min: 2000, max: 3500 });
    expect(parseRange("from 40 to 60")).toEqual({ min: 40, max: 60 });
    expect(parseRange("2 000 – 3 500 zł")).toEqual({ min: 2000, max: 3500 });
    expect(parseRange("do 3500")).toEqual({ min: null, max: 3500 });
    expect(parseRange("up to 3,5k")).toEqual({ min: null, max: 3500 });
    expect(parseRange("od 40")).toEqual({ min: 40, max: null });
    expect(parseRange("3+", "exact")).toEqual({ min: 3, max: null });
    expect(parseRange("<3000")).toEqual({ min: null, max: 3000 });
    expect(parseRange("3500")).toEqual({ min: null, max: 3500 });
    expect(parseRange("2", "exact")).toEqual({ min: 2, max: 2 });
    expect(parseRange("-")).toEqual({ min: null, max: null });
    expect(parseRange("dowolnie")).toEqual({ min: null, max: null });
  });

  it("leaves order to the schema but refuses negatives and words", ({ expect }) => {
    expect(parseRange("5000-3000")).toEqual({ min: 5000, max: 3000 });
    expect(parseRange("-500")).toBe("negative");
    expect(parseRange("od tanio")).toBe("number");
    expect(parseRange("1000-dużo")).toBe("number");
  });
});

describe("parseList and parseKeywords", () => {
  it("splits lists on commas, semicolons and new lines", ({ expect }) => {
    expect(parseList(" Mokotów,  Wola;Stare   Miasto\nŻoliborz ,")).toEqual(["Mokotów", "Wola", "Stare Miasto", "Żoliborz"]);
  });

  it("tells wanted words from excluded ones", ({ expect }) => {
    expect(parseKeywords("balkon -parter")).toEqual({ include: ["balkon"], exclude: ["parter"] });
    expect(parseKeywords("balkon bez parteru")).toEqual({ include: ["balkon"], exclude: ["parteru"] });
    expect(parseKeywords("garden no ground-floor")).toEqual({ include: ["garden"], exclude: ["ground-floor"] });
    expect(parseKeywords("balkon, miejsce postojowe, -do remontu, bez pośredników")).toEqual({
      include: ["balkon", "miejsce postojowe"],
      exclude: ["do remontu", "pośredników"],
    });
  });
});
