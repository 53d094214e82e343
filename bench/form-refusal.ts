/**
 * `node bench/form-refusal.ts`: how long the settings form takes to refuse a
 * hostile field, as the page read it before its fields were bounded (straight
 * into draftFromForm) and as it reads it now (readSearchForm: lengths first).
 * The worst field found: a number field of "1", N spaces, "x" (the amount
 * parser's regex backtracks over the spaces). One line of JSON per case.
 */
import { draftFromForm, readSearchForm } from "../src/searches/form.ts";
import { validateDraft } from "../src/model/search.ts";

const base = { source: "both", deal: "rent", property: "flat", cityId: "1" };
const cases: Record<string, string> = {
  "40 KB of spaces": " ".repeat(40_000),
  '"1", 40 KB of spaces, "x"': `1${" ".repeat(40_000)}x`,
  '"1", 30 KB of spaces, "x" (under the 32 KB body limit)': `1${" ".repeat(30_000)}x`,
};

function time(run: () => unknown): number {
  const start = performance.now();
  run();
  return Math.round((performance.now() - start) * 10) / 10;
}

for (const [name, value] of Object.entries(cases)) {
  const form = { ...base, priceMax: value };
  const unbounded = time(() => validateDraft(draftFromForm(form).input));
  const bounded = time(() => {
    const read = readSearchForm(form);
    return validateDraft(read.input);
  });
  const refused = readSearchForm(form).issues.some((i) => i.field === "priceMax");
  console.log(JSON.stringify({ case: name, field: "priceMax", unbounded_ms: unbounded, bounded_ms: bounded, refused }));
}
