import { describe, it } from "vitest";
import { dedupKey, otodomPublicId } from "../../src/sources/dedup-key.ts";
import { toBase62 } from "../../src/sources/base62.ts";

describe("dedupKey", () => {
  it("keys an Otodom ad by its publicId, from any of its URL forms", ({ expect }) => {
    // Otodom 2026 search slug, 2021 ad url (.html), 2016 OLX link straight to otodom.pl (with tracking fragment).
    expect(
      dedupKey({ source: "otodom", externalId: "67889723", url: "https://www.otodom.pl/pl/oferta/apartament-3-pokoje-krowodrza-83m2-ul-poznanska-ID4ARdx" }),
    ).toBe("otodom:4ARdx");
    expect(otodomPublicId("https://www.otodom.pl/pl/oferta/mieszkanie-w-kamienicy-w-srodmiesciu-ID4dG6i.html")).toBe("4dG6i");
    expect(otodomPublicId("https://otodom.pl/oferta/przytulne-1-pok-z-miejscem-parkingowym-ID37hHE.html#xtor=SEC-18")).toBe("37hHE");
  });

  it("gives an OLX cross-post of an Otodom ad the Otodom key (2023 capture: OLX 793297612 = Otodom ID4iLjo)", ({ expect }) => {
    expect(
      dedupKey({ source: "olx", externalId: "793297612", url: "https://www.otodom.pl/pl/oferta/2-pokojowe-mieszkanie-wrotkow-promocja-ID4iLjo.html" }),
    ).toBe("otodom:4iLjo");
  });

  it("keys a native OLX ad by its OLX id, even though its URL also ends in -ID…", ({ expect }) => {
    expect(
      dedupKey({ source: "olx", externalId: "654667240", url: "https://www.olx.pl/d/oferta/2-pokoje-plac-grunwaldzki-od-zaraz-promocja-v-ix-2023-CID3-IDIiUR2.html" }),
    ).toBe("olx:654667240");
    expect(otodomPublicId("https://www.otodom.pl.evil.example/pl/oferta/x-ID4ARdx")).toBeNull();
  });

  it("falls back to base62 of the Otodom id, which is what publicId is", ({ expect }) => {
    expect(toBase62(67889723)).toBe("4ARdx");
    expect(toBase62(67647605)).toBe("4zQep");
    expect(dedupKey({ source: "otodom", externalId: "67889723", url: "https://www.otodom.pl/pl/oferta/" })).toBe("otodom:4ARdx");
  });
});
