/**
 * The real captures (test/fixtures, see PROVENANCE.md there) and OLX's towns
 * (data/olx-cities.json), imported as text with Vite's `?raw` so the files on
 * disk stay byte-exact.
 */
import { nationalCaptures } from "../../sim/national.ts";
import olxCities from "../../data/olx-cities.json?raw";
import cloudfrontBlocked2025 from "../fixtures/blocked/cloudfront-request-blocked-2025.html?raw";
import datadomeCaptcha2026 from "../fixtures/blocked/datadome-captcha-2026.html?raw";
import olxApiOffer from "../fixtures/olx/api-offer-mieszkania-wroclaw-2023.json?raw";
import olxGdansk2026 from "../fixtures/olx/api-offers-mieszkania-sprzedaz-gdansk-2026.json?raw";
import olxUzSearch from "../fixtures/olx/api-offers-samochody-uz-tashkent-2026.json?raw";
import olxPage2023 from "../fixtures/olx/page-mieszkania-all-poland-2023.html?raw";
import olxPage2016 from "../fixtures/olx/page-mieszkania-sprzedaz-warszawa-2016.html?raw";
import otodomAd2021 from "../fixtures/otodom/ad-sell-flat-warszawa-2021.json?raw";
import otodomGdanskItem2026 from "../fixtures/otodom/search-item-sell-gdansk-2026.json?raw";
import otodomRentItem2026 from "../fixtures/otodom/search-rent-flat-poznan-2026-item.json?raw";
import otodomKrakow2026 from "../fixtures/otodom/search-sell-flat-krakow-2026.json?raw";
import otodomWarszawa2021 from "../fixtures/otodom/search-sell-flat-warszawa-2021.html?raw";

export const raw = {
  olxCities,
  cloudfrontBlocked2025,
  datadomeCaptcha2026,
  olxApiOffer,
  olxGdansk2026,
  olxUzSearch,
  olxPage2023,
  olxPage2016,
  otodomAd2021,
  otodomGdanskItem2026,
  otodomRentItem2026,
  otodomKrakow2026,
  otodomWarszawa2021,
};

/** A fresh parsed copy (tests may change it). */
export function json(text: string): unknown {
  return JSON.parse(text);
}

/** Any JSON value as a mutable record, for tests that bend a capture. */
export function record(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not a JSON object");
  return value as Record<string, unknown>;
}

/** A page as a site would send it. */
export function htmlResponse(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8" } });
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** The real captures the fakes are built from (sim/national.ts), as the workerd tests import them. */
export const fakeCaptures = () =>
  nationalCaptures({
    olxAnswer2026: json(raw.olxGdansk2026),
    olxRental2023: json(raw.olxApiOffer),
    otodomPage2026: json(raw.otodomKrakow2026),
    otodomItems2026: [json(raw.otodomGdanskItem2026), json(raw.otodomRentItem2026)],
  });
