import type { Language } from "../language.ts";
import type { DraftIssue } from "../search.ts";
import { texts } from "./tables.ts";

/**
 * "Cena od: minimum jest większe niż maksimum", one line per issue.
 *
 * @example describeIssues([{ field: "priceMin", problem: "range" }], "en") // ["Price from: the minimum is above the maximum"]
 */
export function describeIssues(issues: readonly DraftIssue[], language: Language): string[] {
  const t = texts(language).search;
  return issues.map((i) => `${t.fields[i.field]}: ${t.problems[i.problem]}`);
}
