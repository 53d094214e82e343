import { z } from "zod";
import { DEALS, SOURCES } from "./listing.ts";

/**
 * The kinds of property a saved search can ask for: what at least one site's
 * search can be asked about (src/sources/*\/adapter.ts). OLX only for flats.
 */
export const SEARCH_PROPERTIES = ["flat", "house", "room", "plot"] as const;
export type SearchProperty = (typeof SEARCH_PROPERTIES)[number];

/** Limits of what a user may type; past them a value is a typo, not a wish. */
export const LIMITS = {
  price: 100_000_000, // PLN
  area: 100_000, // m²
  rooms: 10,
  radiusKm: 50,
  districts: 20,
  keywords: 10,
  word: 40, // characters of one district or keyword
  name: 60, // characters
} as const;

/**
 * Why a draft is refused, as a code the caller turns into words in the
 * user's language (src/model/texts/): the bot and the settings page say
 * the same thing about the same mistake.
 */
export const DRAFT_PROBLEMS = [
  "required",
  "number",
  "negative",
  "too_big",
  "whole",
  "range",
  "too_many",
  "too_long",
  "radius_centre",
  "olx_flats_only",
  "invalid",
] as const;
export type DraftProblem = (typeof DRAFT_PROBLEMS)[number];

/**
 * Why a text is not a search link we can use (src/searches/link/), as a code
 * the bot words in the user's language.
 */
export type LinkProblem =
  | "not_a_link"
  | "other_site"
  /** An offer page, the home page, a profile: a link, but not to search results. */
  | "not_a_search"
  /** Search results for something that is not real estate we watch (cars, offices, exchange). */
  | "unsupported_category"
  /** Flats, but neither "for sale" nor "for rent" chosen: a saved search is one of the two. */
  | "no_deal"
  | "no_city";

const problem = (code: DraftProblem) => ({ error: code });

const amount = (max: number) =>
  z
    .number(problem("number"))
    .nonnegative(problem("negative"))
    .max(max, problem("too_big"))
    .nullable();

const count = (max: number) =>
  z.number(problem("number")).int(problem("whole")).min(1, problem("negative")).max(max, problem("too_big")).nullable();

const words = (max: number) =>
  z.array(z.string().trim().min(1, problem("required")).max(LIMITS.word, problem("too_long")), problem("invalid")).max(max, problem("too_many"));

/** [min, max] field pairs that must be in order when both are set. */
export const RANGES = [
  ["priceMin", "priceMax"],
  ["areaMin", "areaMax"],
  ["roomsMin", "roomsMax"],
  ["pricePerM2Min", "pricePerM2Max"],
] as const;

/**
 * A saved search as a user describes it, before it has an id: the one schema
 * the bot's wizard, a pasted link and the settings page all validate with.
 * null means "any".
 */
export const searchDraftSchema = z.object({
  name: z.string().trim().max(LIMITS.name, problem("too_long")).default(""),
  /** null: both sites. */
  source: z.enum(SOURCES, problem("invalid")).nullable(),
  deal: z.enum(DEALS, problem("required")),
  property: z.enum(SEARCH_PROPERTIES, problem("required")),
  cityId: z.number(problem("required")).int(problem("required")).positive(problem("required")),
  priceMin: amount(LIMITS.price),
  priceMax: amount(LIMITS.price),
  areaMin: amount(LIMITS.area),
  areaMax: amount(LIMITS.area),
  roomsMin: count(LIMITS.rooms),
  roomsMax: count(LIMITS.rooms),
  pricePerM2Min: amount(LIMITS.price),
  pricePerM2Max: amount(LIMITS.price),
  districts: words(LIMITS.districts),
  lat: z.number(problem("number")).min(-90, problem("invalid")).max(90, problem("invalid")).nullable(),
  lon: z.number(problem("number")).min(-180, problem("invalid")).max(180, problem("invalid")).nullable(),
  radiusKm: z.number(problem("number")).positive(problem("negative")).max(LIMITS.radiusKm, problem("too_big")).nullable(),
  includeKeywords: words(LIMITS.keywords),
  excludeKeywords: words(LIMITS.keywords),
  privateOnly: z.boolean(problem("invalid")),
});

export type SearchDraft = z.infer<typeof searchDraftSchema>;
export type DraftField = keyof SearchDraft;

/** One refusal: the field it is about and why. */
export interface DraftIssue {
  field: DraftField;
  problem: DraftProblem;
}

const isProblem = (message: string): message is DraftProblem => (DRAFT_PROBLEMS as readonly string[]).includes(message);

/** The draft's fields that hold a number or null ("any"): bounds, coordinates, radius. */
export type NumberField = { [K in DraftField]: null extends SearchDraft[K] ? (SearchDraft[K] extends number | null ? K : never) : never }[DraftField];
/** The draft's fields that hold a list of words; empty: "any". */
export type ListField = { [K in DraftField]: SearchDraft[K] extends string[] ? K : never }[DraftField];

const fields = Object.keys(searchDraftSchema.shape) as DraftField[];
const accepts = (field: DraftField, value: unknown) => searchDraftSchema.shape[field].safeParse(value).success;

/**
 * Read off the schema, so a field added there is a number field or a list
 * field everywhere (the empty draft, the settings form) without another list.
 */
export const NUMBER_FIELDS = fields.filter((f): f is NumberField => accepts(f, null) && accepts(f, 1));
export const LIST_FIELDS = fields.filter((f): f is ListField => accepts(f, []) && !accepts(f, null));

/** An empty draft: everything "any", nothing chosen yet (deal, property and city are the user's to choose). */
export function emptyDraft(): Partial<SearchDraft> {
  const draft: Partial<SearchDraft> = { name: "", source: null, privateOnly: false };
  for (const field of NUMBER_FIELDS) draft[field] = null;
  for (const field of LIST_FIELDS) draft[field] = [];
  return draft;
}

/**
 * Rules between fields, checked on whatever the fields' own checks let
 * through, so one answer lists every problem at once.
 */
function crossFieldIssues(input: Record<string, unknown>): DraftIssue[] {
  const issues: DraftIssue[] = [];
  const num = (k: string) => (typeof input[k] === "number" ? (input[k] as number) : null);
  for (const [min, max] of RANGES) {
    const low = num(min);
    const high = num(max);
    if (low !== null && high !== null && low > high) issues.push({ field: min, problem: "range" });
  }
  // A radius without a point is around the city's centre (src/filter/match.ts); a point needs a radius.
  const lat = num("lat");
  if ((lat === null) !== (num("lon") === null) || (lat !== null && num("radiusKm") === null)) issues.push({ field: "radiusKm", problem: "radius_centre" });
  if (input.property !== "flat" && input.property !== undefined && input.source === "olx") issues.push({ field: "source", problem: "olx_flats_only" });
  return issues;
}

/**
 * Validates a draft, normalising what has one meaning: a search for houses
 * on "both sites" is an Otodom search, since OLX is asked for flats only.
 *
 * @returns the draft, or every problem found (one per field)
 */
export function validateDraft(input: unknown): { ok: true; draft: SearchDraft } | { ok: false; issues: DraftIssue[] } {
  const parsed = searchDraftSchema.safeParse(input);
  const issues: DraftIssue[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (typeof field !== "string" || !(field in searchDraftSchema.shape)) continue;
      issues.push({ field: field as DraftField, problem: isProblem(issue.message) ? issue.message : "invalid" });
    }
  }
  if (typeof input === "object" && input !== null) issues.push(...crossFieldIssues(input as Record<string, unknown>));
  const once = issues.filter((issue, i) => issues.findIndex((j) => j.field === issue.field) === i);
  if (once.length || !parsed.success) return { ok: false, issues: once };
  const draft = parsed.data;
  if (draft.property !== "flat" && draft.source === null) draft.source = "otodom";
  return { ok: true, draft };
}

/**
 * A saved search as the matcher reads it: the draft's criteria with the
 * search's and its owner's ids. An empty list or null bound: no constraint.
 */
export type SearchCriteria = SearchDraft & { id: number; userId: number };
