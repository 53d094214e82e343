import { describe, it } from "vitest";
import { type SearchDraft, emptyDraft, validateDraft } from "../../src/model/search.ts";
import { describeIssues } from "../../src/model/texts/index.ts";

const valid = (): Partial<SearchDraft> => ({ ...emptyDraft(), deal: "rent", property: "flat", cityId: 1 });

describe("validateDraft", () => {
  it("accepts a complete draft and defaults what is optional", ({ expect }) => {
    const result = validateDraft({ ...valid(), priceMax: 3500, roomsMin: 2, roomsMax: 3 });
    expect(result).toMatchObject({ ok: true, draft: { priceMax: 3500, roomsMin: 2, name: "", source: null } });
  });

  it("names each field that is wrong, with a reason the bot and the page both show", ({ expect }) => {
    const result = validateDraft({ ...valid(), priceMin: 5000, priceMax: 3000, areaMin: -1, roomsMin: 2.5, cityId: undefined });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        { field: "cityId", problem: "required" },
        { field: "areaMin", problem: "negative" },
        { field: "roomsMin", problem: "whole" },
        { field: "priceMin", problem: "range" },
      ]),
    );
    expect(describeIssues([{ field: "priceMin", problem: "range" }], "pl")).toEqual(["Cena od: minimum jest większe niż maksimum"]);
    expect(describeIssues([{ field: "priceMin", problem: "range" }], "en")).toEqual(["Price from: the minimum is above the maximum"]);
  });

  it("refuses OLX for anything but flats, and makes 'both sites' mean Otodom there", ({ expect }) => {
    expect(validateDraft({ ...valid(), property: "house", source: "olx" })).toMatchObject({ ok: false, issues: [{ field: "source", problem: "olx_flats_only" }] });
    expect(validateDraft({ ...valid(), property: "house", source: null })).toMatchObject({ ok: true, draft: { source: "otodom" } });
  });

  it("takes a radius around the city centre, but not a point without a radius", ({ expect }) => {
    expect(validateDraft({ ...valid(), radiusKm: 5 }).ok).toBe(true);
    expect(validateDraft({ ...valid(), lat: 52.2, lon: 21, radiusKm: null })).toMatchObject({ ok: false, issues: [{ field: "radiusKm" }] });
    expect(validateDraft({ ...valid(), radiusKm: 500 })).toMatchObject({ ok: false, issues: [{ field: "radiusKm", problem: "too_big" }] });
  });

  it("caps lists and words", ({ expect }) => {
    const many = Array.from({ length: 11 }, (_, i) => `słowo${i}`);
    expect(validateDraft({ ...valid(), includeKeywords: many })).toMatchObject({ ok: false, issues: [{ field: "includeKeywords", problem: "too_many" }] });
    expect(validateDraft({ ...valid(), excludeKeywords: ["x".repeat(41)] })).toMatchObject({ ok: false, issues: [{ field: "excludeKeywords", problem: "too_long" }] });
  });
});
