import { it } from "vitest";
import { distanceKm } from "../../src/lib/geo.ts";

it("measures distances between Polish cities", ({ expect }) => {
  // Warszawa to Kraków: about 252 km as the crow flies.
  const d = distanceKm({ lat: 52.2297, lon: 21.0122 }, { lat: 50.0647, lon: 19.945 });
  expect(d).toBeGreaterThan(250);
  expect(d).toBeLessThan(254);
});

it("measures city-scale distances and is symmetric", ({ expect }) => {
  // One hundredth of a degree of latitude is 1.11 km anywhere.
  expect(distanceKm({ lat: 51.1, lon: 17 }, { lat: 51.11, lon: 17 })).toBeCloseTo(1.112, 2);
  // One hundredth of a degree of longitude shrinks with cos(latitude): 0.70 km at 51.1° N.
  expect(distanceKm({ lat: 51.1, lon: 17 }, { lat: 51.1, lon: 17.01 })).toBeCloseTo(0.698, 2);
  const a = { lat: 52.23725, lon: 20.96608 };
  const b = { lat: 52.231, lon: 21.015 };
  expect(distanceKm(a, b)).toBe(distanceKm(b, a));
  expect(distanceKm(a, a)).toBe(0);
});
