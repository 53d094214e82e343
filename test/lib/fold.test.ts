import { it } from "vitest";
import { fold } from "../../src/lib/fold.ts";

it("folds Polish diacritics, case and punctuation", ({ expect }) => {
  expect(fold("  Piękny  BALKON, Łódź!")).toBe("piekny balkon lodz");
  expect(fold("Śródmieście")).toBe(fold("srodmiescie"));
  expect(fold("Żoliborz / Źródła — Ćma Ńą")).toBe("zoliborz zrodla cma na");
  expect(fold("ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż")).toBe("acelnoszz acelnoszz");
});

it("turns hyphens and other punctuation into one space", ({ expect }) => {
  expect(fold("Bieżanów-Prokocim")).toBe("biezanow prokocim");
  expect(fold("Orunia-Św. Wojciech-Lipce")).toBe("orunia sw wojciech lipce");
  expect(fold("2-pokojowe mieszkanie 40m2 + balkon")).toBe("2 pokojowe mieszkanie 40m2 balkon");
  expect(fold("Stare Miasto-Gotowe 30m2-Kamienica")).toBe("stare miasto gotowe 30m2 kamienica");
});

it("folds nothing to nothing", ({ expect }) => {
  expect(fold("")).toBe("");
  expect(fold(" - , ! ")).toBe("");
});
