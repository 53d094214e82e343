import type { Language } from "../model/language.ts";
import type { Deal, Source } from "../model/listing.ts";
import { type DraftField, type DraftIssue, type DraftProblem, LIMITS, type SearchProperty } from "../model/search.ts";

/** Words about saved searches, shared by the bot and the settings page. Plain text: callers escape. */
export interface SearchTexts {
  fields: Record<DraftField, string>;
  problems: Record<DraftProblem, string>;
  sources: Record<Source | "both", string>;
  deals: Record<Deal, string>;
  properties: Record<SearchProperty, string>;
  any: string;
  wholeCity: string;
  yes: string;
  no: string;
  active: string;
  paused: string;
  km: (n: string) => string;
  nearPoint: (radius: string) => string;
  nearCentre: (radius: string) => string;
}

const pl: SearchTexts = {
  fields: {
    name: "Nazwa",
    source: "Serwis",
    deal: "Rodzaj",
    property: "Typ",
    cityId: "Miasto",
    priceMin: "Cena od",
    priceMax: "Cena do",
    areaMin: "Powierzchnia od",
    areaMax: "Powierzchnia do",
    roomsMin: "Pokoje od",
    roomsMax: "Pokoje do",
    pricePerM2Min: "Cena za m² od",
    pricePerM2Max: "Cena za m² do",
    districts: "Dzielnice",
    lat: "Szerokość geograficzna",
    lon: "Długość geograficzna",
    radiusKm: "Promień",
    includeKeywords: "Słowa wymagane",
    excludeKeywords: "Słowa wykluczone",
    privateOnly: "Tylko prywatne",
  },
  problems: {
    required: "wybierz wartość",
    number: "wpisz liczbę, np. 3500",
    negative: "musi być większe od zera",
    too_big: "za duża wartość",
    whole: "wpisz liczbę całkowitą",
    range: "minimum jest większe niż maksimum",
    too_many: `najwyżej ${LIMITS.keywords} pozycji (dzielnic: ${LIMITS.districts})`,
    too_long: `najwyżej ${LIMITS.word} znaków na pozycję (nazwa: ${LIMITS.name})`,
    radius_centre: "punkt na mapie wymaga promienia (i obu współrzędnych)",
    olx_flats_only: "na OLX szukam na razie tylko mieszkań; wybierz Otodom",
    invalid: "nieprawidłowa wartość",
  },
  sources: { olx: "OLX", otodom: "Otodom", both: "OLX i Otodom" },
  deals: { rent: "wynajem", sale: "sprzedaż" },
  properties: { flat: "mieszkanie", house: "dom", room: "pokój", plot: "działka" },
  any: "dowolnie",
  wholeCity: "całe miasto",
  yes: "tak",
  no: "nie",
  active: "aktywne",
  paused: "wstrzymane",
  km: (n) => `${n} km`,
  nearPoint: (radius) => `do ${radius} od wskazanego punktu`,
  nearCentre: (radius) => `do ${radius} od centrum`,
};

const en: SearchTexts = {
  fields: {
    name: "Name",
    source: "Site",
    deal: "Deal",
    property: "Type",
    cityId: "City",
    priceMin: "Price from",
    priceMax: "Price to",
    areaMin: "Area from",
    areaMax: "Area to",
    roomsMin: "Rooms from",
    roomsMax: "Rooms to",
    pricePerM2Min: "Price per m² from",
    pricePerM2Max: "Price per m² to",
    districts: "Districts",
    lat: "Latitude",
    lon: "Longitude",
    radiusKm: "Radius",
    includeKeywords: "Required words",
    excludeKeywords: "Excluded words",
    privateOnly: "Private owners only",
  },
  problems: {
    required: "choose a value",
    number: "enter a number, e.g. 3500",
    negative: "must be more than zero",
    too_big: "too large",
    whole: "enter a whole number",
    range: "the minimum is above the maximum",
    too_many: `at most ${LIMITS.keywords} entries (districts: ${LIMITS.districts})`,
    too_long: `at most ${LIMITS.word} characters per entry (name: ${LIMITS.name})`,
    radius_centre: "a point on the map needs a radius (and both coordinates)",
    olx_flats_only: "OLX is searched for flats only for now; choose Otodom",
    invalid: "invalid value",
  },
  sources: { olx: "OLX", otodom: "Otodom", both: "OLX and Otodom" },
  deals: { rent: "rent", sale: "sale" },
  properties: { flat: "flat", house: "house", room: "room", plot: "plot" },
  any: "any",
  wholeCity: "whole city",
  yes: "yes",
  no: "no",
  active: "active",
  paused: "paused",
  km: (n) => `${n} km`,
  nearPoint: (radius) => `within ${radius} of the given point`,
  nearCentre: (radius) => `within ${radius} of the centre`,
};

export function searchTexts(language: Language): SearchTexts {
  return language === "en" ? en : pl;
}

/**
 * "Cena od: minimum jest większe niż maksimum", one line per issue.
 *
 * @example describeIssues([{ field: "priceMin", problem: "range" }], "en") // ["Price from: the minimum is above the maximum"]
 */
export function describeIssues(issues: readonly DraftIssue[], language: Language): string[] {
  const t = searchTexts(language);
  return issues.map((i) => `${t.fields[i.field]}: ${t.problems[i.problem]}`);
}
