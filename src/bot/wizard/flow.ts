import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { FLOW_TTL_MS, findFlow, saveFlow } from "../../db/bot-flows.ts";
import type { SearchDraft } from "../../model/search.ts";

/** The order /new asks in; "districts" and "radius" are reached from "place". */
export const ORDER = ["deal", "property", "source", "city", "price", "rooms", "area", "place", "keywords", "private", "confirm"] as const;
export const STEPS = [...ORDER, "districts", "radius"] as const;
export type StepId = (typeof STEPS)[number];

/** A conversation about one search: a new one (/new or a pasted link) or an edit. */
export interface Flow {
  kind: "new" | "link" | "edit";
  step: StepId;
  draft: Partial<SearchDraft>;
  /** The saved search an edit will overwrite. */
  searchId: number | null;
  /** The summary was shown once: each answer goes back to it instead of on to the next question. */
  reviewing: boolean;
  /** The city's display name, once chosen. */
  cityName: string | null;
  /** Link parameters that could not be used, shown with the summary. */
  unused: string[];
  /** OLX could not tell the pasted link's city ids: the summary says the search runs on Otodom for now. */
  olxIdsMissing: boolean;
}

/** What is stored of a flow besides kind, step and search id. The draft is checked in full only when saved. */
const stateSchema = z.object({
  draft: z.record(z.string(), z.unknown()),
  reviewing: z.boolean(),
  cityName: z.string().nullable(),
  unused: z.array(z.string()),
  olxIdsMissing: z.boolean().default(false),
});

const isStep = (s: string): s is StepId => (STEPS as readonly string[]).includes(s);

/** The user's flow in progress; null when none, expired, or unreadable (a deploy changed its shape). */
export async function loadFlow(db: Db, telegramId: number, now: number): Promise<Flow | null> {
  const row = await findFlow(db, telegramId);
  if (!row || now - row.updatedAt > FLOW_TTL_MS || !isStep(row.step)) return null;
  const state = stateSchema.safeParse(JSON.parse(row.state));
  if (!state.success) return null;
  return { kind: row.kind, step: row.step, searchId: row.searchId, ...state.data, draft: state.data.draft as Partial<SearchDraft> };
}

/** Stores the user's flow as it stands now (its age counts from `now`). */
export function storeFlow(db: Db, telegramId: number, flow: Flow, now: number): Promise<void> {
  const { draft, reviewing, cityName, unused, olxIdsMissing } = flow;
  const state = JSON.stringify({ draft, reviewing, cityName, unused, olxIdsMissing });
  return saveFlow(db, { telegramId, kind: flow.kind, step: flow.step, state, searchId: flow.searchId, updatedAt: now });
}
