import { z } from "zod";
import { PageError } from "../parse-result.ts";
import { type PageParse, readItems } from "../sanitize.ts";
import { olxOfferToListing } from "./offer.ts";

/** A page of OLX listings and whether OLX offers a following one. */
export interface OlxPage extends PageParse {
  hasNextPage: boolean;
}

const Href = z.object({ href: z.string() });
const Envelope = z.object({
  data: z.array(z.unknown()),
  links: z.object({ next: Href.nullish() }).nullish(),
});
const Single = z.object({ data: z.looseObject({ id: z.unknown() }) });
const BareOffer = z.object({ id: z.unknown(), url: z.string(), params: z.array(z.unknown()) });

/**
 * Reads any saved form of OLX's API v1: a search response
 * (`{data: [...], metadata, links: {next: {href}}}`), a single-offer response
 * (`{data: {...}}`) or a bare offer object. hasNextPage follows `links.next`.
 *
 * @throws PageError("format") when the JSON is none of these
 */
export function parseOlxApiJson(json: unknown): OlxPage {
  const envelope = Envelope.safeParse(json);
  if (envelope.success) {
    return { ...readItems(envelope.data.data, olxOfferToListing), hasNextPage: Boolean(envelope.data.links?.next?.href) };
  }
  const single = Single.safeParse(json);
  if (single.success) return { ...readItems([single.data.data], olxOfferToListing), hasNextPage: false };
  if (BareOffer.safeParse(json).success) return { ...readItems([json], olxOfferToListing), hasNextPage: false };
  throw new PageError("format", `not an OLX API response (keys: ${topKeys(json)})`);
}

/**
 * Reads a fetched `/api/v1/offers/` response.
 * @throws PageError("format") when the body is not JSON or not the API's shape
 */
export async function parseOlxApiResponse(response: Response): Promise<OlxPage> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const type = response.headers.get("content-type") ?? "no content-type";
    throw new PageError("format", `OLX answered ${type}, not JSON: ${text.slice(0, 80)}`, { cause: error });
  }
  return parseOlxApiJson(json);
}

function topKeys(json: unknown): string {
  if (typeof json !== "object" || json === null) return typeof json;
  return Object.keys(json).slice(0, 6).join(", ") || "none";
}
