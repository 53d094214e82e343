import { describe, it } from "vitest";
import { LANGUAGES, type Language } from "../../../src/model/language.ts";
import { texts } from "../../../src/model/texts/index.ts";

describe("texts", () => {
  it("gives each language its own table", ({ expect }) => {
    expect(texts("pl").bot.saved).toMatch(/^✅ Zapisane/);
    expect(texts("en").bot.saved).toMatch(/^✅ Saved/);
    expect(new Set(LANGUAGES.map((l) => texts(l))).size).toBe(LANGUAGES.length);
  });

  it("reads a language the users table should not hold as Polish, the default", ({ expect }) => {
    expect(texts("uk" as Language)).toBe(texts("pl"));
  });
});
