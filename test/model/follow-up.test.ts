import { describe, it } from "vitest";
import { MAX_TOLD_ADS, type ToldFlat, followUpOf, toldAfter } from "../../src/model/follow-up.ts";

const told: ToldFlat = {
  messageId: 7,
  card: true,
  searchId: 3,
  price: 3000,
  currency: "PLN",
  ads: [{ url: "https://www.olx.pl/d/oferta/a.html", source: "olx", price: 3000 }],
};
const ad = (price: number | null, fields: Partial<{ source: "olx" | "otodom"; url: string; currency: string | null }> = {}) => ({
  price,
  currency: "PLN",
  source: "olx" as const,
  url: "https://www.olx.pl/d/oferta/b.html",
  ...fields,
});

describe("followUpOf: what a later ad of a told flat adds", () => {
  it("replies to a drop of at least the threshold, and to another site; edits the buttons for a new link; else nothing", ({ expect }) => {
    expect(followUpOf(told, ad(2900), 3)).toMatchObject({ kind: "reply", drop: { oldPrice: 3000, newPrice: 2900, changePct: -3.3 }, newSite: false });
    expect(followUpOf(told, ad(2950), 3)).toEqual({ kind: "buttons" });
    expect(followUpOf(told, ad(3300), 3)).toEqual({ kind: "buttons" });
    expect(followUpOf(told, ad(3000, { source: "otodom" }), 3)).toEqual({ kind: "reply", drop: null, newSite: true });
    // The card's own link, a price unknown, another currency: never a drop, nothing new to open.
    expect(followUpOf(told, ad(2000, { url: told.ads[0]?.url ?? "" , currency: "EUR" }), 3)).toBeNull();
    expect(followUpOf(told, ad(null, { url: told.ads[0]?.url ?? "" }), 3)).toBeNull();
    // Told in a digest: no card whose buttons could list the new link.
    expect(followUpOf({ ...told, card: false }, ad(2950), 3)).toBeNull();
  });

  it("keeps the price told after a drop, and the first ad plus the newest within the cap", ({ expect }) => {
    const drop = followUpOf(told, ad(2800), 3);
    if (!drop) throw new Error("no follow-up");
    expect(toldAfter(told, ad(2800), drop)).toMatchObject({ price: 2800, ads: [told.ads[0], { url: "https://www.olx.pl/d/oferta/b.html", source: "olx", price: 2800 }] });
    let now = told;
    for (let i = 0; i < MAX_TOLD_ADS + 3; i++) now = toldAfter(now, ad(3000, { url: `https://www.olx.pl/d/oferta/${i}.html` }), { kind: "buttons" });
    expect(now.ads).toHaveLength(MAX_TOLD_ADS);
    expect(now.ads[0]).toEqual(told.ads[0]);
    expect(now.ads.at(-1)?.url).toBe(`https://www.olx.pl/d/oferta/${MAX_TOLD_ADS + 2}.html`);
    expect(now.price).toBe(3000);
  });
});
