import { describe, it } from "vitest";
import pairsFile from "../fixtures/flats/pairs.json";
import { type FlatFacts, flatBlockKey, flatBlockKeys, flatKeyFor, photoFile, sameFlat, titleWords } from "../../src/model/flat.ts";
import type { Listing } from "../../src/model/listing.ts";
import { dedupKey } from "../../src/sources/dedup-key.ts";
import { otodomAdapter } from "../../src/sources/otodom/adapter.ts";
import { parseOtodomNextData, searchItemToListing } from "../../src/sources/otodom/next-data.ts";
import { parseSavedPage } from "../../src/sources/saved-page.ts";
import { parseOlxApiJson } from "../../src/sources/olx/search-response.ts";
import { parseOlxLegacyPage } from "../../src/sources/olx/legacy-html.ts";
import { parseOlxPrerenderedPage } from "../../src/sources/olx/prerendered.ts";
import { htmlResponse, json, raw, record } from "../sources/fixtures.ts";

const id = (l: Listing) => `${l.source}:${l.externalId}`;

/**
 * Every listing of every real capture in test/fixtures, as the parsers read them, plus the
 * promoted copy of the 2026 Kraków page (the parser skips it as a duplicate: read here as an
 * ordinary item, its `hpr/` prefix and 1999 dates taken off, to see whether the rule knows it).
 */
async function allCaptures(): Promise<Listing[]> {
  const krakow = json(raw.otodomKrakow2026) as { props: { pageProps: { data: { searchAds: { items: Record<string, unknown>[] } } } } };
  const promoted = krakow.props.pageProps.data.searchAds.items.find((i) => String(i.href).startsWith("hpr/"));
  if (!promoted) throw new Error("the Kraków capture lost its promoted copy");
  const copy = searchItemToListing({ ...promoted, href: String(promoted.href).slice(4), dateCreated: null, createdAtFirst: null }, () => {});
  if (!("source" in copy)) throw new Error("promoted copy skipped");
  const page = (items: unknown[]) => ({ props: { pageProps: { data: { searchAds: { items } } } } });
  return [
    ...(await parseOlxPrerenderedPage(htmlResponse(raw.olxPage2023))).listings,
    ...(await parseOlxLegacyPage(htmlResponse(raw.olxPage2016))).listings,
    ...parseOlxApiJson(json(raw.olxApiOffer)).listings,
    ...parseOlxApiJson(json(raw.olxGdansk2026)).listings,
    ...parseOtodomNextData(krakow).listings,
    copy,
    ...(await otodomAdapter.parseSearch(htmlResponse(raw.otodomWarszawa2021))).listings,
    ...(await parseSavedPage("otodom", new TextEncoder().encode(raw.otodomAd2021))).listings,
    ...parseOtodomNextData(page([record(raw.otodomGdanskItem2026), record(raw.otodomRentItem2026)])).listings,
  ];
}

interface Confusion {
  pairs: number;
  merged: number;
  truePositives: number;
  falseMerges: number;
  missed: number;
}

/** Every pair of the captures through `rule`, against the labels. */
function confusion(listings: readonly Listing[], rule: (a: FlatFacts, b: FlatFacts) => boolean): Confusion {
  const same = new Set(pairsFile.pairs.filter((p) => p.same).flatMap((p) => [`${p.a}|${p.b}`, `${p.b}|${p.a}`]));
  const c: Confusion = { pairs: 0, merged: 0, truePositives: 0, falseMerges: 0, missed: 0 };
  for (let i = 0; i < listings.length; i++) {
    for (let j = i + 1; j < listings.length; j++) {
      const [a, b] = [listings[i], listings[j]];
      if (!a || !b) continue;
      c.pairs++;
      const labelled = same.has(`${id(a)}|${id(b)}`);
      const merged = rule(a, b);
      if (merged) c.merged++;
      if (merged && labelled) c.truePositives++;
      if (merged && !labelled) c.falseMerges++;
      if (!merged && labelled) c.missed++;
    }
  }
  return c;
}

describe("the same-flat rule on every pair of the real captures", () => {
  it("merges the one real repost pair and nothing else; the blocking key alone would merge 14 pairs of different flats", async ({ expect }) => {
    const listings = await allCaptures();
    expect(listings).toHaveLength(156);
    // Every labelled ad is in the captures (a renamed fixture must not silently shrink the test).
    const ids = new Set(listings.map(id));
    expect(pairsFile.pairs.flatMap((p) => [p.a, p.b]).filter((x) => !ids.has(x))).toEqual([]);

    expect(confusion(listings, (a, b) => sameFlat(a, b).same)).toEqual({ pairs: 12090, merged: 1, truePositives: 1, falseMerges: 0, missed: 0 });
    // The margin: the same gates with less evidence asked for (the rule asks for 3; a failed gate scores 0).
    const gated = (min: number) => (a: FlatFacts, b: FlatFacts) => {
      const m = sameFlat(a, b);
      return m.gatesPassed && m.score >= min;
    };
    expect(confusion(listings, gated(2))).toEqual({ pairs: 12090, merged: 1, truePositives: 1, falseMerges: 0, missed: 0 });
    expect(confusion(listings, gated(1))).toEqual({ pairs: 12090, merged: 1, truePositives: 1, falseMerges: 0, missed: 0 });
    expect(confusion(listings, gated(0))).toEqual({ pairs: 12090, merged: 3, truePositives: 1, falseMerges: 2, missed: 0 });
    // The blocking key alone, as a hash (deal, property, city, rooms, whole m²).
    const key = (l: FlatFacts) => flatBlockKey(l);
    expect(confusion(listings, (a, b) => key(a) !== null && key(a) === key(b))).toEqual({ pairs: 12090, merged: 15, truePositives: 1, falseMerges: 14, missed: 0 });
    // Fredy's former exact hash (its job, title, price and address; here deal, city, price, whole m²).
    const exact = (l: FlatFacts) => (l.price === null || l.areaM2 === null ? null : `${l.deal}|${l.city}|${l.price}|${Math.round(l.areaM2)}`);
    expect(confusion(listings, (a, b) => exact(a) !== null && exact(a) === exact(b))).toEqual({ pairs: 12090, merged: 1, truePositives: 1, falseMerges: 0, missed: 0 });
  });

  it("keeps every labelled hard negative apart, each for the reason written down", async ({ expect }) => {
    const byId = new Map((await allCaptures()).map((l) => [id(l), l]));
    const verdicts = pairsFile.pairs.map((p) => {
      const [a, b] = [byId.get(p.a), byId.get(p.b)];
      if (!a || !b) throw new Error(`missing ${p.a} or ${p.b}`);
      const m = sameFlat(a, b);
      return { pair: `${p.a} ${p.b}`, same: m.same, reasons: m.reasons };
    });
    expect(verdicts).toEqual([
      { pair: "otodom:67889723 otodom:96788972300067", same: true, reasons: ["same title words", "same price", "same area to the hundredth", "same floor"] },
      { pair: "otodom:62438556 otodom:62438663", same: false, reasons: [] },
      { pair: "otodom:62532657 otodom:61922320", same: false, reasons: [] },
      { pair: "otodom:67639471 otodom:67827384", same: false, reasons: ["floor differs"] },
      { pair: "otodom:66344021 otodom:66296826", same: false, reasons: ["district differs"] },
      { pair: "otodom:62532623 otodom:62532474", same: false, reasons: ["area differs by 1.17 m²"] },
      { pair: "otodom:62532623 otodom:62532616", same: false, reasons: ["area differs by 1.90 m²"] },
      { pair: "otodom:62486833 otodom:62486814", same: false, reasons: ["area differs by 3.45 m²"] },
      { pair: "olx:770515063 olx:770515061", same: false, reasons: ["rooms differ or unknown"] },
      { pair: "olx:796635468 olx:796649346", same: false, reasons: ["area differs by 4.27 m²"] },
      { pair: "olx:765804868 olx:801261812", same: false, reasons: ["deal differs"] },
    ]);
  });
});

describe("same-flat pieces", () => {
  const krakow = (fields: Partial<FlatFacts> = {}): FlatFacts => ({
    deal: "sale", property: "flat", city: "Kraków", district: "Krowodrza", areaM2: 82.79, rooms: 3, floor: 3,
    lat: null, lon: null, price: 1_578_000, title: "Apartament 3 Pokoje Krowodrza 83m2 Ul.Poznanska", photoUrl: null, ...fields,
  });

  it("reads the photo file of both sites' apollo URLs, so one photo joins an OLX and an Otodom ad", ({ expect }) => {
    expect(photoFile("https://ireland.apollo.olxcdn.com:443/v1/files/aljaj3n8om3r-PL/image;s=867x1156")).toBe("aljaj3n8om3r-PL");
    // The 2026 Kraków item 67889723's first photo: base64url {"fn":"pl8exei0ado11-APL",…}.
    expect(
      photoFile("https://ireland.apollo.olxcdn.com/v1/files/eyJmbiI6InBsOGV4ZWkwYWRvMTEtQVBMIiwidyI6W3siZm4iOiJlbnZmcXFlMWF5NGsxLUFQTCIsInMiOiIxNCIsInAiOiIxMCwtMTAiLCJhIjoiMCJ9XX0.Tuc0cGjlisHeTgTgBJsO1HRDkGGK0VnBQ1_pjyYcDkI/image;s=655x491;q=80"),
    ).toBe("pl8exei0ado11-APL");
    expect(photoFile("https://img.olx.pl/1.jpg")).toBeNull();
    expect(photoFile(null)).toBeNull();
    const olx = krakow({ title: "Mieszkanie 3 pokoje", areaM2: 83, price: 1_550_000, photoUrl: "https://ireland.apollo.olxcdn.com:443/v1/files/pl8exei0ado11-APL/image;s=1000x750" });
    const otodom = krakow({ title: "Apartament Krowodrza", photoUrl: "https://ireland.apollo.olxcdn.com/v1/files/eyJmbiI6InBsOGV4ZWkwYWRvMTEtQVBMIn0.sig/image;s=655x491" });
    expect(sameFlat(olx, otodom)).toEqual({ same: true, gatesPassed: true, score: 4, reasons: ["same photo file", "same floor"] });
  });

  it("drops flat-ad boilerplate from titles", ({ expect }) => {
    expect([...titleWords("2-pokojowe mieszkanie 40m2 + balkon Bez Prowizji")]).toEqual(["40m2", "balkon", "prowizji"]);
  });

  it("blocks on deal, property, city, rooms and whole m², with the neighbouring m² for rounding", ({ expect }) => {
    expect(flatBlockKey(krakow())).toBe("sale|flat|krakow|3|83");
    expect(flatBlockKeys(krakow({ areaM2: 40.5 }))).toEqual(["sale|flat|krakow|3|40", "sale|flat|krakow|3|41", "sale|flat|krakow|3|42"]);
    expect(flatBlockKey(krakow({ rooms: null }))).toBeNull();
    expect(flatBlockKeys(krakow({ areaM2: null }))).toEqual([]);
  });

  it("lets a repost through at a changed price, but not a price 25 % away, nor pins 2 km apart", ({ expect }) => {
    expect(sameFlat(krakow(), krakow({ price: 1_499_000 })).same).toBe(true); // −5 %: title, area, floor
    expect(sameFlat(krakow(), krakow({ price: 1_180_000 })).reasons).toEqual(["price differs by 25 %"]);
    expect(sameFlat(krakow({ lat: 50.07, lon: 19.92 }), krakow({ lat: 50.088, lon: 19.92 })).reasons).toEqual(["pins 2.0 km apart"]);
    expect(sameFlat(krakow({ district: "Podgórze" }), krakow({ district: "Podgórze Duchackie" })).same).toBe(true);
  });

  it("gives a new ad the flat of the stored ad it repeats, of its cross-post by dedup key, else a flat of its own", ({ expect }) => {
    const stored = { ...krakow(), dedupKey: "otodom:4ARdx", flatKey: "otodom:4ARdx" };
    const repost = { ...krakow({ price: 1_540_000 }), dedupKey: "otodom:4Zzzz" };
    expect(flatKeyFor(repost, [stored])).toBe("otodom:4ARdx");
    const crossPost = { ...krakow({ title: "x", floor: null, areaM2: 80 }), dedupKey: dedupKey({ source: "olx", externalId: "1", url: "https://www.otodom.pl/pl/oferta/a-ID4ARdx" }) };
    expect(flatKeyFor(crossPost, [stored])).toBe("otodom:4ARdx");
    const other = { ...krakow({ floor: 5 }), dedupKey: "otodom:4Yyyy" };
    expect(flatKeyFor(other, [stored])).toBe("otodom:4Yyyy");
  });
});
