import { InlineKeyboard } from "grammy";
import type { City, District } from "../../model/location.ts";
import { citiesToName, matchCity, suggestCities } from "../../model/location.ts";
import { fold } from "../../lib/fold.ts";
import { DEALS, type Deal, SOURCES } from "../../model/listing.ts";
import { type DraftField, type DraftProblem, SEARCH_PROPERTIES, type SearchDraft, type SearchProperty } from "../../model/search.ts";
import { meansAny, parseAmount, parseKeywords, parseList, parseRange } from "../../searches/input.ts";
import { escapeHtml } from "../../telegram/html.ts";
import type { Language } from "../../model/language.ts";
import { type BotTexts, type SearchTexts, texts } from "../../model/texts/index.ts";
import { type Flow, ORDER, type StepId } from "./flow.ts";

/** What a step may look up: cities and districts live in D1. */
export interface Lookup {
  cities(): Promise<City[]>;
  districts(cityId: number): Promise<District[]>;
}

export interface StepContext {
  texts: BotTexts;
  search: SearchTexts;
  language: Language;
  flow: Flow;
  lookup: Lookup;
}

/**
 * The outcome of an answer: a change to the draft (and where to go next, when
 * not simply on), or a reply that keeps the user at the same question.
 */
export type Answer =
  | { patch: Partial<SearchDraft>; cityName?: string; next?: StepId }
  | { problem: DraftProblem }
  | { reply: string; keyboard?: InlineKeyboard };

/** A question of the wizard. */
export interface Step {
  /** The draft fields it sets: their validation problems are reported right here. */
  fields: readonly DraftField[];
  /** HTML text (escaped) and its buttons. */
  question(sc: StepContext): { text: string; keyboard?: InlineKeyboard };
  /** A button was pressed (callback data `w:<step>:<value>`). */
  choose?(value: string, sc: StepContext): Answer | Promise<Answer>;
  /** Text was typed. */
  type?(text: string, sc: StepContext): Answer | Promise<Answer>;
  /** Answers itself when the earlier answers leave one choice. */
  skip?(flow: Flow): Partial<SearchDraft> | null;
}

/** The question after `step` in a first pass; the sub-steps of "place" continue after it. */
export function following(step: StepId): StepId {
  const from = step === "districts" || step === "radius" ? "place" : step;
  return ORDER[(ORDER as readonly StepId[]).indexOf(from) + 1] ?? "confirm";
}

export const callback = (step: StepId, value: string) => `w:${step}:${value}`;

function buttons(step: StepId, choices: readonly (readonly [string, string])[], perRow = 3): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  choices.forEach(([label, value], i) => {
    if (i > 0 && i % perRow === 0) keyboard.row();
    keyboard.text(label, callback(step, value));
  });
  return keyboard;
}

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

/** A range step (price, area): typed, or "any". */
function rangeStep(step: StepId, min: "priceMin" | "areaMin", max: "priceMax" | "areaMax", ask: (t: BotTexts) => string): Step {
  return {
    fields: [min, max],
    question: ({ texts }) => ({ text: escapeHtml(ask(texts)), keyboard: buttons(step, [[texts.buttons.any, "any"]]) }),
    choose: () => ({ patch: { [min]: null, [max]: null } }),
    type(text) {
      const range = parseRange(text, "max");
      return typeof range === "string" ? { problem: range } : { patch: { [min]: range.min, [max]: range.max } };
    },
  };
}

export const STEP_DEFINITIONS: Record<StepId, Step> = {
  deal: {
    fields: ["deal"],
    question: ({ texts, search }) => ({
      text: escapeHtml(texts.ask.deal),
      keyboard: buttons("deal", DEALS.map((d) => [search.deals[d], d] as const)),
    }),
    choose: (value) => (isOneOf<Deal>(DEALS, value) ? { patch: { deal: value } } : { problem: "invalid" }),
  },
  property: {
    fields: ["property"],
    question: ({ texts, search }) => ({
      text: escapeHtml(texts.ask.property),
      keyboard: buttons("property", SEARCH_PROPERTIES.map((p) => [search.properties[p], p] as const), 2),
    }),
    choose: (value, { flow }) => {
      if (!isOneOf<SearchProperty>(SEARCH_PROPERTIES, value)) return { problem: "invalid" };
      // OLX is searched for flats only: anything else is an Otodom search.
      const source = value !== "flat" && flow.draft.source === "olx" ? "otodom" : flow.draft.source;
      return { patch: { property: value, source: source ?? null } };
    },
  },
  source: {
    fields: ["source"],
    question: ({ texts, search }) => ({
      text: escapeHtml(texts.ask.source),
      keyboard: buttons("source", [[search.sources.both, "both"], ...SOURCES.map((s) => [search.sources[s], s] as const)]),
    }),
    choose: (value) => {
      if (value === "both") return { patch: { source: null } };
      return isOneOf(SOURCES, value) ? { patch: { source: value } } : { problem: "invalid" };
    },
    skip: (flow) => (flow.draft.property && flow.draft.property !== "flat" ? { source: "otodom" } : null),
  },
  city: {
    fields: ["cityId"],
    question: ({ texts }) => ({ text: escapeHtml(texts.ask.city) }),
    async choose(value, { lookup, flow }) {
      const city = (await lookup.cities()).find((c) => String(c.id) === value);
      return city ? cityAnswer(city, flow) : { problem: "invalid" };
    },
    async type(text, { lookup, texts, flow }) {
      const cities = await lookup.cities();
      const city = matchCity(cities, text);
      if (city) return cityAnswer(city, flow);
      const near = suggestCities(cities, text);
      const unknown = escapeHtml(texts.unknownCity(text.slice(0, 60)));
      if (near.length) {
        return { reply: `${unknown} ${escapeHtml(texts.didYouMean)}`, keyboard: buttons("city", near.map((c) => [c.name, String(c.id)] as const)) };
      }
      const known = citiesToName(cities);
      return { reply: `${unknown}\n${escapeHtml(texts.citiesWeKnow(known.names.join(", "), known.more))}` };
    },
  },
  price: rangeStep("price", "priceMin", "priceMax", (t) => t.ask.price),
  rooms: {
    fields: ["roomsMin", "roomsMax"],
    question: ({ texts }) => ({
      text: escapeHtml(texts.ask.rooms),
      keyboard: buttons(
        "rooms",
        [
          ["1", "1-1"],
          ["2", "2-2"],
          ["3", "3-3"],
          ["4+", "4-"],
          ["1–2", "1-2"],
          ["2–3", "2-3"],
          ["3+", "3-"],
          [texts.buttons.any, "-"],
        ],
        4,
      ),
    }),
    choose(value) {
      const [min = "", max = ""] = value.split("-");
      const n = (s: string) => (s === "" ? null : Number(s));
      return { patch: { roomsMin: n(min), roomsMax: n(max) } };
    },
    type(text) {
      const range = parseRange(text, "exact");
      return typeof range === "string" ? { problem: range } : { patch: { roomsMin: range.min, roomsMax: range.max } };
    },
  },
  area: rangeStep("area", "areaMin", "areaMax", (t) => t.ask.area),
  place: {
    fields: ["districts", "radiusKm"],
    question: ({ texts }) => ({
      text: escapeHtml(texts.ask.place),
      keyboard: buttons("place", [
        [texts.buttons.wholeCity, "whole"],
        [texts.buttons.chooseDistricts, "districts"],
      ]),
    }),
    choose(value) {
      if (value === "districts") return { patch: {}, next: "districts" };
      return { patch: { districts: [], lat: null, lon: null, radiusKm: null } };
    },
    type: (text, sc) => STEP_DEFINITIONS.districts.type?.(text, sc) ?? { problem: "invalid" },
  },
  districts: {
    fields: ["districts"],
    question: ({ texts }) => ({ text: escapeHtml(texts.ask.districts) }),
    async type(text, { lookup, flow, texts }) {
      if (meansAny(text)) return { patch: { districts: [], lat: null, lon: null, radiusKm: null } };
      const typed = parseList(text);
      if (!typed.length) return { problem: "required" };
      const known = flow.draft.cityId ? await lookup.districts(flow.draft.cityId) : [];
      // Districts are compared folded with what listings say; a city whose
      // districts we do not list takes them as typed.
      if (!known.length) return { patch: { districts: typed, lat: null, lon: null, radiusKm: null } };
      const byFold = new Map(known.map((d) => [fold(d.name), d.name]));
      const missing = typed.filter((d) => !byFold.has(fold(d)));
      if (missing.length) {
        return { reply: escapeHtml(texts.unknownDistricts(missing.join(", "), known.map((d) => d.name).join(", "))) };
      }
      return { patch: { districts: typed.map((d) => byFold.get(fold(d)) ?? d), lat: null, lon: null, radiusKm: null } };
    },
  },
  radius: {
    fields: ["radiusKm"],
    question: ({ texts, search }) => ({
      text: escapeHtml(texts.ask.radius),
      keyboard: buttons("radius", ["1", "2", "5", "10"].map((km) => [search.km(km), km] as const), 4),
    }),
    choose: (value) => radiusAnswer(value),
    type: (text) => radiusAnswer(text),
  },
  keywords: {
    fields: ["includeKeywords", "excludeKeywords"],
    question: ({ texts }) => ({ text: escapeHtml(texts.ask.keywords), keyboard: buttons("keywords", [[texts.buttons.skip, "none"]]) }),
    choose: () => ({ patch: { includeKeywords: [], excludeKeywords: [] } }),
    type(text) {
      if (meansAny(text)) return { patch: { includeKeywords: [], excludeKeywords: [] } };
      const { include, exclude } = parseKeywords(text);
      return { patch: { includeKeywords: include, excludeKeywords: exclude } };
    },
  },
  private: {
    fields: ["privateOnly"],
    question: ({ texts }) => ({
      text: escapeHtml(texts.ask.private),
      keyboard: buttons("private", [
        [texts.buttons.yes, "yes"],
        [texts.buttons.no, "no"],
      ]),
    }),
    choose: (value) => ({ patch: { privateOnly: value === "yes" } }),
  },
  // Shown by src/bot/wizard/wizard.ts: the summary and save/change/cancel.
  confirm: { fields: [], question: () => ({ text: "" }) },
};

/** Choosing another city drops what belonged to the old one. */
function cityAnswer(city: City, flow: Flow): Answer {
  const changed = flow.draft.cityId !== undefined && flow.draft.cityId !== city.id;
  const reset = changed ? { districts: [], lat: null, lon: null, radiusKm: null } : {};
  return { patch: { cityId: city.id, ...reset }, cityName: city.name };
}

function radiusAnswer(text: string): Answer {
  const km = parseAmount(text.replace(/km$/i, ""));
  return typeof km === "number" ? { patch: { radiusKm: km } } : { problem: km };
}

/** The field buttons of "what should change?", as the summary lists them. */
export function fixKeyboard(language: Language): InlineKeyboard {
  const { search, summary, wizard } = texts(language);
  const f = search.fields;
  const choices: [string, StepId][] = [
    [f.deal, "deal"],
    [f.property, "property"],
    [f.source, "source"],
    [f.cityId, "city"],
    [summary.price, "price"],
    [summary.rooms, "rooms"],
    [summary.area, "area"],
    [f.districts, "place"],
    [wizard.keywords, "keywords"],
    [f.privateOnly, "private"],
  ];
  return buttons("confirm", choices.map(([label, step]) => [label, `fix-${step}`] as const), 2);
}
