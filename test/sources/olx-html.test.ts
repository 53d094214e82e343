import { describe, it } from "vitest";
import { dedupKey } from "../../src/sources/dedup-key.ts";
import { parseOlxLegacyPage } from "../../src/sources/olx/legacy-html.ts";
import { parseOlxPrerenderedPage } from "../../src/sources/olx/prerendered.ts";
import { PageError } from "../../src/sources/parse-result.ts";
import { htmlResponse, raw } from "./fixtures.ts";

describe("OLX list page with __PRERENDERED_STATE__ (2023, all of Poland)", () => {
  it("reads all 52 ads, first one field by field", async ({ expect }) => {
    const page = await parseOlxPrerenderedPage(htmlResponse(raw.olxPage2023));
    expect(page).toMatchObject({ errors: [], warnings: [], hasNextPage: true });
    expect(page.listings).toHaveLength(52);
    expect(page.listings[0]).toEqual({
      source: "olx",
      externalId: "757062432",
      url: "https://www.olx.pl/d/oferta/mieszkanie-3-pokojowe-piwnica-CID3-IDPeyvo.html",
      title: "Mieszkanie 3 pokojowe + piwnica",
      price: 305000,
      currency: "PLN",
      rent: null,
      areaM2: 62,
      rooms: 3,
      pricePerM2: 4919.35,
      floor: 4, // floor_select "floor_4"
      city: "Rawicz",
      district: "Osiedle 350 Lecia Rawicza",
      olxCityId: 14787,
      region: "wielkopolskie",
      lat: 51.60155642,
      lon: 16.85968459,
      isPrivate: true,
      photoUrl: "https://ireland.apollo.olxcdn.com:443/v1/files/aljaj3n8om3r-PL/image;s=867x1156",
      deal: "sale",
      property: "flat",
      publishedAt: Date.parse("2023-01-02T19:23:41+01:00"), // lastRefreshTime
      firstListedAt: Date.parse("2022-05-17T18:39:08+02:00"), // createdTime
      bumpedAt: Date.parse("2023-01-02T19:23:41+01:00"), // refreshed seven months after it was first listed
    });
  });

  it("maps categories 14/15 to sale/rent and null districts to null", async ({ expect }) => {
    const { listings } = await parseOlxPrerenderedPage(htmlResponse(raw.olxPage2023));
    expect(listings.filter((l) => l.deal === "sale")).toHaveLength(33);
    expect(listings.filter((l) => l.deal === "rent")).toHaveLength(19);
    expect(listings.filter((l) => l.district === null)).toHaveLength(38); // 37 null + one ""
    const rent = listings.find((l) => l.externalId === "805852209");
    expect(rent).toMatchObject({ deal: "rent", price: 1800, city: "Kraków", district: "Podgórze" });
  });

  it("points Otodom cross-posts at the Otodom ad, so both sites share one dedup key", async ({ expect }) => {
    const { listings } = await parseOlxPrerenderedPage(htmlResponse(raw.olxPage2023));
    const crossPosts = listings.filter((l) => l.url.startsWith("https://www.otodom.pl/"));
    expect(crossPosts).toHaveLength(29);
    const lublin = listings.find((l) => l.externalId === "793297612");
    expect(lublin?.url).toBe("https://www.otodom.pl/pl/oferta/2-pokojowe-mieszkanie-wrotkow-promocja-ID4iLjo.html");
    expect(lublin && dedupKey(lublin)).toBe("otodom:4iLjo");
  });

  it("is a format error when the state is missing", async ({ expect }) => {
    const error = await parseOlxPrerenderedPage(htmlResponse("<html><script>window.__OTHER__ = 1;</script></html>")).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PageError);
    expect(error).toMatchObject({ kind: "format" });
  });
});

describe("OLX legacy list page (2016, Warszawa sale)", () => {
  it("reads 39 ads and skips the 3 promoted repeats", async ({ expect }) => {
    const page = await parseOlxLegacyPage(htmlResponse(raw.olxPage2016));
    expect(page.listings).toHaveLength(39);
    expect(page.errors).toEqual([]);
    expect(page.skipped.map((s) => s.item).sort()).toEqual(["203717795", "271412607", "271466855"]);
    expect(page.hasNextPage).toBe(true); // <link rel="next">
    expect(page.listings[0]).toEqual({
      source: "olx",
      externalId: "271466855",
      url: "https://www.olx.pl/oferta/nowa-inwestycja-na-woliceny-od-199-tys-CID3-IDin2WF.html",
      title: "Nowa Inwestycja NA WOLI***CENY OD 199 TYŚ***",
      price: 199000,
      currency: "PLN",
      rent: null,
      // The list page of 2016 does not carry these:
      areaM2: null,
      rooms: null,
      pricePerM2: null,
      floor: null,
      city: "Warszawa",
      district: "Wola",
      olxCityId: null,
      region: null,
      lat: null,
      lon: null,
      isPrivate: null,
      photoUrl:
        "https://olxpl-ring03.akamaized.net/images_tablicapl/445232651_5_261x203_nowa-inwestycja-na-woliceny-od-199-tys-mazowieckie.jpg",
      deal: "sale",
      property: "flat",
      publishedAt: null, // "16 lis": no year, no time
      firstListedAt: null,
      bumpedAt: null,
    });
  });

  it("keeps ads that link straight to otodom.pl under their Otodom key", async ({ expect }) => {
    const { listings } = await parseOlxLegacyPage(htmlResponse(raw.olxPage2016));
    const ad = listings.find((l) => l.externalId === "274254023");
    expect(ad).toMatchObject({
      url: "https://otodom.pl/oferta/przytulne-1-pok-z-miejscem-parkingowym-ID37hHE.html",
      price: 192000,
      district: "Białołęka",
    });
    expect(ad && dedupKey(ad)).toBe("otodom:37hHE");
  });

  it("is a format error when there are no ad tables", async ({ expect }) => {
    const error = await parseOlxLegacyPage(htmlResponse("<html><body><table summary='Inne'></table></body></html>")).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: "PageError", kind: "format" });
  });
});
