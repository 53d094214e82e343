import { z } from "zod";
import { drain } from "../drain.ts";
import { olxAdToListing } from "./ad.ts";
import type { Listing } from "../../model/listing.ts";
import { PageError } from "../parse-result.ts";
import { readItems } from "../sanitize.ts";
import type { OlxPage } from "./search-response.ts";

const MARK = "window.__PRERENDERED_STATE__";

const nullishString = z.string().nullish();

/** One `listing.listing.ads[i]` of the 2023 page state (camelCase, flattened; see SCHEMA.md §2). */
const PrerenderedAd = z.object({
  id: z.union([z.number(), z.string()]),
  url: z.string(),
  title: z.string(),
  createdTime: nullishString,
  lastRefreshTime: nullishString,
  pushupTime: nullishString,
  isBusiness: z.boolean().nullish(),
  map: z.object({ lat: z.number().nullish(), lon: z.number().nullish() }).nullish(),
  location: z
    .object({ cityName: nullishString, cityId: z.number().nullish(), districtName: nullishString, regionNormalizedName: nullishString })
    .nullish(),
  params: z.array(z.object({ key: z.string(), normalizedValue: z.union([z.string(), z.number()]).nullish() })).nullish(),
  price: z
    .object({ regularPrice: z.object({ value: z.number().nullish(), currencyCode: nullishString }).nullish() })
    .nullish(),
  photos: z.array(z.string()).nullish(),
  category: z.object({ id: z.number() }).nullish(),
  partner: z.object({ code: nullishString }).nullish(),
  externalUrl: nullishString,
});

const State = z.object({
  listing: z.object({
    listing: z.object({
      ads: z.array(z.unknown()),
      links: z.object({ next: nullishString }).nullish(),
    }),
  }),
});

/**
 * Reads a 2023 OLX list page (`window.__PRERENDERED_STATE__ = "<JSON string>"`,
 * decoded twice). Streams the page through HTMLRewriter and keeps only the
 * text of the script holding the state.
 *
 * @throws PageError("format") when the page has no readable state
 */
export async function parseOlxPrerenderedPage(response: Response): Promise<OlxPage> {
  let script = "";
  let found: string | null = null;
  const rewriter = new HTMLRewriter().on("script", {
    element() {
      script = "";
    },
    text(chunk) {
      if (found !== null) return;
      script += chunk.text;
      if (chunk.lastInTextNode) {
        if (script.includes(MARK)) found = script;
        script = "";
      }
    },
  });
  await drain(rewriter.transform(response), () => found !== null);
  if (found === null) throw new PageError("format", `no ${MARK} on the page`);

  const state = State.safeParse(decodeState(found));
  if (!state.success) throw new PageError("format", `${MARK} is not a listing page state`, { cause: state.error });
  const { ads, links } = state.data.listing.listing;
  return { ...readItems(ads, prerenderedAdToListing), hasNextPage: Boolean(links?.next) };
}

/** The JS string literal assigned to the state, decoded to JSON and parsed. */
function decodeState(script: string): unknown {
  const start = script.indexOf('"', script.indexOf(MARK) + MARK.length);
  let end = start + 1;
  while (end < script.length && script[end] !== '"') end += script[end] === "\\" ? 2 : 1;
  if (start < 0 || end >= script.length) throw new PageError("format", `${MARK} is not a string literal`);
  try {
    const json: unknown = JSON.parse(script.slice(start, end + 1));
    if (typeof json !== "string") throw new Error("not a string");
    return JSON.parse(json);
  } catch (error) {
    throw new PageError("format", `${MARK} does not decode`, { cause: error });
  }
}

/**
 * One 2023 page ad → Listing; the same decisions as the API's (olxAdToListing),
 * on the renamed fields: `price.regularPrice`, `params[].normalizedValue`,
 * `isBusiness`, `location.cityName/districtName`, `lastRefreshTime`/`createdTime`,
 * `photos[]` as plain sized URLs, `externalUrl`.
 */
export function prerenderedAdToListing(raw: unknown, warn: (message: string) => void): Listing {
  const ad = PrerenderedAd.parse(raw);
  return olxAdToListing(
    {
      id: ad.id,
      url: ad.url,
      title: ad.title,
      price: ad.price?.regularPrice?.value ?? null,
      currency: ad.price?.regularPrice?.currencyCode ?? null,
      params: new Map((ad.params ?? []).map((p) => [p.key, p.normalizedValue == null ? null : String(p.normalizedValue)])),
      city: ad.location?.cityName,
      district: ad.location?.districtName,
      cityId: ad.location?.cityId,
      region: ad.location?.regionNormalizedName,
      lat: ad.map?.lat,
      lon: ad.map?.lon,
      business: ad.isBusiness,
      photoUrl: ad.photos?.[0] ?? null,
      categoryId: ad.category?.id,
      partnerCode: ad.partner?.code,
      externalUrl: ad.externalUrl,
      time: ad.lastRefreshTime || ad.createdTime,
      createdTime: ad.createdTime,
      pushupTime: ad.pushupTime,
    },
    warn,
  );
}
