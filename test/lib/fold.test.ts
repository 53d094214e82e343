import { it } from "vitest";
import { fold } from "../../src/lib/fold.ts";
import { distanceKm } from "../../src/lib/geo.ts";

it("folds Polish diacritics, case and punctuation", ({ expect }) => {
  expect(fold("  Piękny  BALKON, Łódź!")).toBe("piekny balkon lodz");
  expect(fold("Śródmieście")).toBe(fold("srodmiescie"));
  expect(fold("Żoliborz / Źródła — Ćma Ńą")).toBe("zoliborz zrodla cma na");
});

it("measures city-scale distances", ({ expect }) => {
  // Warszawa to Kraków: about 252 km as the crow flies.
  const d = distanceKm({ lat: 52.2297, lon: 21.0122 }, { lat: 50.0647, lon: 19.945 });
  expect(d).toBeGreaterThan(250);
  expect(d).toBeLessThan(254);
  expect(distanceKm({ lat: 51.1, lon: 17 }, { lat: 51.1, lon: 17 })).toBe(0);
});
