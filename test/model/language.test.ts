import { describe, it } from "vitest";
import { LANGUAGES, isLanguage, otherLanguage } from "../../src/model/language.ts";

describe("otherLanguage", () => {
  it("switches between the two, and comes back", ({ expect }) => {
    expect(otherLanguage("pl")).toBe("en");
    expect(otherLanguage("en")).toBe("pl");
    for (const l of LANGUAGES) expect(otherLanguage(otherLanguage(l))).toBe(l);
  });

  it("takes only our languages as typed", ({ expect }) => {
    expect(["pl", "en", "PL", "uk", ""].map(isLanguage)).toEqual([true, true, false, false, false]);
  });
});
