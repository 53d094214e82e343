import type { Delivery } from "../model/delivery.ts";
import type { FollowUp, ToldAd } from "../model/follow-up.ts";
import { type StoredListing, listingTime, relistedSince } from "../model/listing.ts";
import { muteSearch } from "./callback-data.ts";
import { escapeHtml, escapeTruncated } from "./html.ts";
import { formatAge, formatNumber, formatPrice, formatSignedPct, texts } from "../model/texts/index.ts";
import type { Language } from "../model/language.ts";

/** Telegram's limits, in characters of the HTML we send (stricter than Telegram, which counts visible text). */
export const CAPTION_LIMIT = 1024;
export const MESSAGE_LIMIT = 4096;

/** Caps for free text that is not the title, so the title always keeps most of the room. */
const PLACE_CAP = 80; // characters of district or city
const SEARCH_NAME_CAP = 100; // characters

/** An inline keyboard button: a link, or a callback the bot answers. */
export type InlineButton = { text: string; url: string } | { text: string; callbackData: string };

/** What one listing looks like on Telegram: a photo with a caption, or the text fallback. */
export interface ListingCard {
  /** The listing photo's URL; null: send `text` instead. */
  photo: string | null;
  /** HTML caption for sendPhoto, at most CAPTION_LIMIT characters. */
  caption: string;
  /** HTML text for sendMessage (no photo, or Telegram refused it), at most MESSAGE_LIMIT characters. */
  text: string;
  /** Opens the listing; mutes the search it matched, when known. One per row. */
  buttons: InlineButton[];
  /** The link preview of the text fallback shows the listing page. */
  previewUrl: string;
}

/** One message of a digest and the notifications it covers. */
export interface DigestPart {
  text: string;
  notificationIds: number[];
}

const SOURCE_LABELS: Record<StoredListing["source"], string> = { olx: "OLX", otodom: "Otodom" };

function pricePerM2(l: StoredListing): number | null {
  if (l.pricePerM2 !== null) return l.pricePerM2;
  if (l.deal === "sale" && l.price !== null && l.areaM2) return l.price / l.areaM2;
  return null;
}

/** "2 900 zł + czynsz 800 zł", escaped. */
function priceHtml(l: StoredListing, language: Language): string {
  const t = texts(language).notifier;
  if (l.price === null) return escapeHtml(t.priceUnknown);
  let html = `<b>${escapeHtml(formatPrice(l.price, l.currency, language))}</b>`;
  if (l.rent) html += ` ${escapeHtml(t.rentExtra(formatPrice(l.rent, "PLN", language)))}`;
  return html;
}

/** "48,5 m² · 2 pokoje · 12 000 zł/m²", escaped; empty when none is known. */
function detailsHtml(l: StoredListing, language: Language): string {
  const t = texts(language).notifier;
  const parts: string[] = [];
  if (l.areaM2 !== null) parts.push(`${formatNumber(l.areaM2, language, 1)} m²`);
  if (l.rooms !== null) parts.push(t.rooms(l.rooms));
  const perM2 = pricePerM2(l);
  if (perM2 !== null) parts.push(`${formatPrice(perM2, l.currency, language)}/m²`);
  return escapeHtml(parts.join(" · "));
}

/** "Mokotów, Warszawa", escaped and capped; empty when neither is known. */
function placeHtml(l: StoredListing): string {
  const parts = [l.district, l.city].filter((p): p is string => !!p && p.trim() !== "");
  return parts.map((p) => escapeTruncated(p, PLACE_CAP)).join(", ");
}

/**
 * Renders one delivery as a photo caption and a text fallback, both in HTML
 * parse mode, in the recipient's language. The title is shortened (never
 * inside an entity) so the caption stays within CAPTION_LIMIT and the text
 * within MESSAGE_LIMIT.
 *
 * @param now the clock, for "dodano 5 min temu"
 */
export function renderListing(delivery: Delivery, language: Language, now: number): ListingCard {
  const l = delivery.listing;
  const t = texts(language).notifier;
  const lines: string[] = [`💰 ${priceHtml(l, language)}`];
  const details = detailsHtml(l, language);
  if (details) lines.push(`📐 ${details}`);
  const place = placeHtml(l);
  if (place) lines.push(`📍 ${place}`);
  const market = delivery.market;
  if (market) {
    const where = market.district ?? l.city ?? "";
    lines.push(`📊 ${escapeHtml(t.vsMedian(formatSignedPct(market.pct), where.slice(0, PLACE_CAP), market.roomsBand, market.n))}`);
  }
  const age = formatAge(now - listingTime(l), language);
  // A bumped ad looks new in the feeds; the card says how old it really is.
  const since = relistedSince(l);
  const first = since === null ? "" : ` · ${t.firstListed(formatAge(now - since, language))}`;
  lines.push(`🏷 ${escapeHtml(`${SOURCE_LABELS[l.source]} · ${t.published(age)}${first}`)}`);
  if (delivery.searchName.trim()) {
    lines.push(`🔎 ${escapeHtml(t.searchLabel)}: ${escapeTruncated(delivery.searchName.trim(), SEARCH_NAME_CAP)}`);
  }
  const body = lines.join("\n");
  const href = escapeHtml(l.url);

  const withTitle = (limit: number, wrap: (title: string) => string) => {
    const room = limit - wrap("").length - 1 - body.length;
    return `${wrap(escapeTruncated(l.title.trim(), Math.max(room, 0)))}\n${body}`;
  };
  return {
    photo: l.photoUrl,
    caption: withTitle(CAPTION_LIMIT, (title) => `<b>${title}</b>`),
    text: withTitle(MESSAGE_LIMIT, (title) => `<b><a href="${href}">${title}</a></b>`),
    buttons: flatButtons([{ url: l.url, source: l.source, price: l.price }], delivery.searchId, l.currency, language),
    previewUrl: l.url,
  };
}

/**
 * A flat's card buttons: its first ad, every later ad the chat was told of (site and price), and
 * the mute button of the search it matched. A card has one ad; a told flat's edit lists them all.
 */
export function flatButtons(ads: readonly ToldAd[], searchId: number | null, currency: string | null, language: Language): InlineButton[] {
  const t = texts(language).notifier;
  return [
    ...ads.map((ad, i) => ({ text: i === 0 ? t.openButton : t.adButton(SOURCE_LABELS[ad.source], ad.price === null ? t.priceUnknown : formatPrice(ad.price, currency, language)), url: ad.url })),
    ...(searchId !== null ? [{ text: t.muteButton, callbackData: muteSearch.data(searchId) }] : []),
  ];
}

/** A reply to a flat's first message (src/model/follow-up.ts): what the later ad adds, and the ad. */
export interface FollowUpCard {
  /** HTML, well under MESSAGE_LIMIT. */
  text: string;
  buttons: InlineButton[];
}

/**
 * Renders a later ad of a flat the chat has had as a short reply: the price drop (old → new,
 * change), the other site it appeared on, then the ad's title as a link, so every ad of the flat
 * opens from the thread.
 */
export function renderFollowUp(delivery: Delivery, followUp: Extract<FollowUp, { kind: "reply" }>, language: Language): FollowUpCard {
  const l = delivery.listing;
  const t = texts(language).notifier;
  const lines: string[] = [];
  const { drop } = followUp;
  if (drop) {
    const text = t.priceDropped(formatPrice(drop.oldPrice, l.currency, language), formatPrice(drop.newPrice, l.currency, language), formatSignedPct(drop.changePct));
    lines.push(`📉 <b>${escapeHtml(text)}</b>`);
  }
  if (followUp.newSite) lines.push(`🔗 <b>${escapeHtml(t.alsoOn(SOURCE_LABELS[l.source]))}</b>${drop ? "" : `: ${priceHtml(l, language)}`}`);
  lines.push(`<a href="${escapeHtml(l.url)}">${escapeTruncated(l.title.trim(), 300)}</a> · ${SOURCE_LABELS[l.source]}`);
  return { text: lines.join("\n"), buttons: [{ text: t.openButton, url: l.url }] };
}

/** One digest line: price, area, rooms, district and a link. */
function digestLine(d: Delivery, language: Language): string {
  const l = d.listing;
  const t = texts(language).notifier;
  const parts: string[] = [
    l.price === null ? escapeHtml(t.priceUnknown) : `<b>${escapeHtml(formatPrice(l.price, l.currency, language))}</b>`,
  ];
  if (l.areaM2 !== null) parts.push(escapeHtml(`${formatNumber(l.areaM2, language, 1)} m²`));
  if (l.rooms !== null) parts.push(escapeHtml(t.rooms(l.rooms)));
  const place = l.district ?? l.city;
  if (place) parts.push(escapeTruncated(place, PLACE_CAP));
  parts.push(`<a href="${escapeHtml(l.url)}">${SOURCE_LABELS[l.source]}</a>`);
  return `• ${parts.join(" · ")}`;
}

/** Room kept for a part's header: "📬 <b>123 nowych ogłoszeń</b> (101–123)" is far shorter. */
const HEADER_ROOM = 100;

/**
 * Renders a backlog as one digest: a header and a line per listing, split into
 * as many messages as Telegram's MESSAGE_LIMIT needs. A part's header shows
 * which lines of the whole digest it holds when the digest has several parts.
 *
 * @param deliveries the listings still to list, oldest first
 * @param opts.total how many listings the whole digest has (header); defaults to deliveries.length
 * @param opts.offset how many of them earlier parts already listed
 * @param opts.limit characters per message (tests)
 */
export function renderDigest(
  deliveries: readonly Delivery[],
  language: Language,
  opts: { total?: number; offset?: number; limit?: number } = {},
): DigestPart[] {
  const total = Math.max(opts.total ?? deliveries.length, deliveries.length);
  const offset = opts.offset ?? 0;
  const limit = opts.limit ?? MESSAGE_LIMIT;
  const groups: { lines: string[]; ids: number[]; length: number }[] = [];
  for (const d of deliveries) {
    const line = digestLine(d, language);
    const current = groups.at(-1);
    if (current && current.length + 1 + line.length <= limit - HEADER_ROOM) {
      current.lines.push(line);
      current.ids.push(d.notificationId);
      current.length += 1 + line.length;
    } else {
      groups.push({ lines: [line], ids: [d.notificationId], length: line.length });
    }
  }
  const split = groups.length > 1 || offset > 0 || deliveries.length < total;
  const header = escapeHtml(texts(language).notifier.digestHeader(total));
  let first = offset + 1;
  return groups.map((g) => {
    const range = split ? ` (${first}–${first + g.ids.length - 1})` : "";
    first += g.ids.length;
    return { text: `📬 <b>${header}</b>${range}\n\n${g.lines.join("\n")}`, notificationIds: g.ids };
  });
}

/** The operator alert after a notification failed for good (plain text, escaped). */
export function renderFailureAlert(failure: {
  userId: number;
  notificationIds: readonly number[];
  code: number | null;
  description: string;
  attempts: number;
}): string {
  const ids = failure.notificationIds.slice(0, 20).join(", ") + (failure.notificationIds.length > 20 ? ", …" : "");
  const reason = `${failure.code ?? "network"}: ${failure.description}`;
  const text = `⚠️ GetMeOne: send failed for user ${failure.userId}, notification ${ids}, after ${failure.attempts} ${failure.attempts === 1 ? "attempt" : "attempts"} (${reason})`;
  return escapeTruncated(text, MESSAGE_LIMIT);
}
