import type { Deal, Property } from "../../model/listing.ts";

/**
 * OLX real-estate category ids, as far as the captures confirm them
 * (test/fixtures/olx/SCHEMA.md): 14 Mieszkania › Sprzedaż, 15 Mieszkania ›
 * Wynajem, 16 Mieszkania › Zamiana (exchange: a flat, but neither sale nor
 * rent). Parents: 1307 Mieszkania, 3 Nieruchomości. Houses, plots, rooms and
 * garages have their own ids that no capture shows, so they read as "other".
 */
export const OLX_FLAT_SALE = 14;
export const OLX_FLAT_RENT = 15;
const OLX_FLAT_EXCHANGE = 16;

export function olxCategory(id: number | null | undefined): { deal: Deal | null; property: Property } {
  switch (id) {
    case OLX_FLAT_SALE:
      return { deal: "sale", property: "flat" };
    case OLX_FLAT_RENT:
      return { deal: "rent", property: "flat" };
    case OLX_FLAT_EXCHANGE:
      return { deal: null, property: "flat" };
    default:
      return { deal: null, property: "other" };
  }
}

/** The category id of a search feed, or null when OLX's id for it is not confirmed. */
export function olxCategoryId(deal: Deal, property: Property): number | null {
  if (property !== "flat") return null;
  return deal === "sale" ? OLX_FLAT_SALE : OLX_FLAT_RENT;
}

/** An OLX Otodom cross-post points at this partner code. */
export const OTODOM_PARTNER = "otodom_pl";
