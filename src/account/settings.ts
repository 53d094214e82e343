import { z } from "zod";
import { type AccountProblem, type AccountSettings, DIGEST_THRESHOLD_RANGE, PRICE_DROP_RANGE } from "../model/recipient.ts";
import { LANGUAGES, isLanguage } from "../model/language.ts";

/** "23:00" → 1380; anything else is not a time. */
const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;
const minutes = (text: string) => {
  const m = TIME.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
};

/** The most characters a time or threshold field may hold: checked before the field is trimmed or read. */
const FIELD_CHARS = 16;

/**
 * The account part of the settings page, as posted: global pause, language,
 * quiet hours (Europe/Warsaw, "HH:MM", both or neither), the digest
 * threshold and the price-drop share in whole % (empty: the defaults). Refusals are codes, worded in src/model/texts/.
 */
export const accountSettingsSchema = z
  .object({
    paused: z.boolean(),
    language: z.enum(LANGUAGES),
    quietStart: z.string().max(FIELD_CHARS, { error: "time" }).trim().refine((t) => t === "" || minutes(t) !== null, { error: "time" }),
    quietEnd: z.string().max(FIELD_CHARS, { error: "time" }).trim().refine((t) => t === "" || minutes(t) !== null, { error: "time" }),
    digestThreshold: z
      .string()
      .max(FIELD_CHARS, { error: "threshold" })
      .trim()
      .refine((t) => t === "" || (/^\d+$/.test(t) && Number(t) >= DIGEST_THRESHOLD_RANGE.min && Number(t) <= DIGEST_THRESHOLD_RANGE.max), { error: "threshold" }),
    priceDropPct: z
      .string()
      .max(FIELD_CHARS, { error: "drop_pct" })
      .trim()
      .refine((t) => t === "" || (/^\d+$/.test(t) && Number(t) >= PRICE_DROP_RANGE.min && Number(t) <= PRICE_DROP_RANGE.max), { error: "drop_pct" }),
  })
  .check((ctx) => {
    const { quietStart, quietEnd } = ctx.value;
    if ((quietStart === "") !== (quietEnd === "")) ctx.issues.push({ code: "custom", path: ["quietEnd"], message: "both_times", input: quietEnd });
    else if (quietStart !== "" && minutes(quietStart) === minutes(quietEnd)) ctx.issues.push({ code: "custom", path: ["quietEnd"], message: "same_times", input: quietEnd });
  });

export type AccountField = "quietStart" | "quietEnd" | "digestThreshold" | "priceDropPct";

/** Posted fields to settings, or the problem of each field. */
export function readAccountSettings(form: Record<string, string | undefined>):
  | { ok: true; settings: AccountSettings }
  | { ok: false; issues: { field: AccountField; problem: AccountProblem }[] } {
  const parsed = accountSettingsSchema.safeParse({
    paused: form.paused === "on",
    language: isLanguage(form.language) ? form.language : "pl",
    quietStart: form.quietStart ?? "",
    quietEnd: form.quietEnd ?? "",
    digestThreshold: form.digestThreshold ?? "",
    priceDropPct: form.priceDropPct ?? "",
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ field: String(i.path[0]) as AccountField, problem: i.message as AccountProblem }));
    return { ok: false, issues };
  }
  const d = parsed.data;
  const start = minutes(d.quietStart);
  const end = minutes(d.quietEnd);
  return {
    ok: true,
    settings: {
      paused: d.paused,
      language: d.language,
      quietHours: start !== null && end !== null ? { startMin: start, endMin: end } : null,
      digestThreshold: d.digestThreshold === "" ? null : Number(d.digestThreshold),
      priceDropPct: d.priceDropPct === "" ? null : Number(d.priceDropPct),
    },
  };
}

/** "23:00" for 1380. */
export function formatMinutes(total: number): string {
  return `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
}
