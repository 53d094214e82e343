import { drain } from "../drain.ts";
import { decodeEntities, squash } from "../html-text.ts";
import type { Deal, Listing, Property } from "../../model/listing.ts";
import { parseDecimal } from "../parse-number.ts";
import { PageError } from "../parse-result.ts";
import { readItems } from "../sanitize.ts";
import type { OlxPage } from "./search-response.ts";

const AD = 'table[summary="Ogłoszenie"]';

interface RawCard {
  id: string | null;
  href: string | null;
  title: string;
  price: string;
  category: string;
  place: string;
  photo: string | null;
}

/**
 * Reads the legacy (2016) server-rendered OLX list page: one
 * `<table summary="Ogłoszenie" data-id>` per ad (SCHEMA.md §3).
 *
 * What the format does not carry is null: area, rooms, price per m², rent,
 * coordinates, private/business. publishedAt is null too: the page only says
 * "dzisiaj 19:00", "wczoraj 12:34" or "16 lis" (no year), relative to a fetch
 * time the saved page does not record, so no instant can be derived honestly.
 * Promoted ads are listed twice (top box and list); the second copy is skipped.
 * url drops the `#hash;promoted` tracking fragment; some ads link straight to
 * otodom.pl (that is their url, so dedupKey joins them with Otodom).
 *
 * @throws PageError("format") when the page has no ad tables
 */
export async function parseOlxLegacyPage(response: Response): Promise<OlxPage> {
  const cards: RawCard[] = [];
  let hasNext = false;
  const current = () => cards[cards.length - 1];
  const rewriter = new HTMLRewriter()
    .on('link[rel="next"]', {
      element() {
        hasNext = true;
      },
    })
    .on(AD, {
      element(el) {
        cards.push({ id: el.getAttribute("data-id"), href: null, title: "", price: "", category: "", place: "", photo: null });
      },
    })
    .on(`${AD} h3 a`, {
      element(el) {
        const card = current();
        if (card && card.href === null) card.href = el.getAttribute("href");
      },
    })
    .on(`${AD} h3 a strong`, { text: (t) => append(current(), "title", t.text) })
    .on(`${AD} p.price strong`, { text: (t) => append(current(), "price", t.text) })
    .on(`${AD} td[valign="top"] small.breadcrumb`, { text: (t) => append(current(), "category", t.text) })
    .on(`${AD} small.breadcrumb span`, { text: (t) => append(current(), "place", t.text) })
    .on(`${AD} img.fleft`, {
      element(el) {
        const card = current();
        if (card && card.photo === null) card.photo = el.getAttribute("src");
      },
    });
  await drain(rewriter.transform(response));
  if (cards.length === 0) throw new PageError("format", `no ${AD} on the page`);
  return { ...readItems(cards, cardToListing), hasNextPage: hasNext };
}

function append(card: RawCard | undefined, field: "title" | "price" | "category" | "place", text: string) {
  if (card) card[field] += text;
}

function cardToListing(card: RawCard, warn: (message: string) => void): Listing {
  const priceText = squash(decodeEntities(card.price));
  const price = parseDecimal(priceText);
  if (priceText && price === null) warn(`price "${priceText}" is not a number`);
  const [city, district] = squash(decodeEntities(card.place)).split(/\s*,\s*/);
  const { deal, property } = breadcrumb(squash(decodeEntities(card.category)));
  return {
    source: "olx",
    externalId: card.id ?? "",
    url: withoutFragment(decodeEntities(card.href ?? "")),
    title: squash(decodeEntities(card.title)),
    price,
    currency: price === null ? null : /zł$/.test(priceText) ? "PLN" : null,
    rent: null,
    areaM2: null,
    rooms: null,
    pricePerM2: null,
    floor: null,
    city: city || null,
    district: district || null,
    olxCityId: null,
    region: null,
    lat: null,
    lon: null,
    isPrivate: null,
    photoUrl: card.photo ? decodeEntities(card.photo) : null,
    deal,
    property,
    publishedAt: null,
    firstListedAt: null,
    bumpedAt: null,
  };
}

/** "Mieszkania » Sprzedaż" → flat, sale. */
function breadcrumb(text: string): { deal: Deal | null; property: Property | null } {
  const [kind, deal] = text.split(/\s*»\s*/).map((s) => s.toLowerCase());
  return {
    property: kind === "mieszkania" ? "flat" : kind ? "other" : null,
    deal: deal === "sprzedaż" ? "sale" : deal === "wynajem" ? "rent" : null,
  };
}

function withoutFragment(url: string): string {
  const hash = url.indexOf("#");
  return hash < 0 ? url : url.slice(0, hash);
}
