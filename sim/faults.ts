/**
 * Faults for the fakes, switched on and off by whoever drives them (`npm run
 * chaos`, bench/chaos.ts; workerd tests): around a fake site's handler,
 * answers that are not its pages (a real captcha page, a 5xx, no answer, a
 * late one); on its pages, item edits (sim/publisher.ts's PageEdit: empty,
 * duplicated, drifted, a listing hidden); around the fake Bot API, the
 * failures Telegram really has (429 storms, 5xx and timeouts, an answer lost
 * after the message was accepted, a user who blocked the bot, a refused photo).
 *
 * Web-standard only, like the fakes: what a fault does is decided per
 * request, on the clock given.
 */
import type { Handler, PageEdit } from "./publisher.ts";

type Json = Record<string, unknown>;

/**
 * Thrown by a handler that wants the connection cut without an answer (a
 * request Telegram took whose answer never came back, a site that hung):
 * the client sees a network error, not a status.
 */
export class ConnectionDropped extends Error {
  override name = "ConnectionDropped";
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** What a faulty site answers instead of (or before) its page. */
export type SiteFault =
  /** A fixed answer: a block page (status 403 and the page's headers, as captured), a 5xx. */
  | { kind: "answer"; status: number; body: string; headers: Record<string, string> }
  /** No answer for `ms`, then the connection drops: the client's timeout, if it has one, fires first. */
  | { kind: "hang"; ms: number }
  /** The real page, `ms` late. */
  | { kind: "slow"; ms: number };

/** A site's handler with a switchable fault: on for the next `pages` requests, or until switched off. */
export interface FaultySite {
  handle: Handler;
  set(fault: SiteFault | null, options?: { pages?: number }): void;
  /** Requests answered with a fault so far. */
  readonly injected: number;
}

export function faultySite(inner: Handler): FaultySite {
  let fault: SiteFault | null = null;
  let left = Number.POSITIVE_INFINITY;
  let injected = 0;
  return {
    async handle(request) {
      const now = fault;
      if (!now) return inner(request);
      injected++;
      if (--left <= 0) fault = null;
      if (now.kind === "answer") return new Response(now.body, { status: now.status, headers: now.headers });
      if (now.kind === "hang") {
        await sleep(now.ms);
        throw new ConnectionDropped("fault: the site never answered");
      }
      await sleep(now.ms);
      return inner(request);
    },
    set(next, options = {}) {
      fault = next;
      left = options.pages ?? Number.POSITIVE_INFINITY;
    },
    get injected() {
      return injected;
    },
  };
}

/** The DataDome answer as captured (test/fixtures/blocked/PROVENANCE.md: HTTP 403, its headers). */
export function datadomeCaptcha(page: string): SiteFault {
  return { kind: "answer", status: 403, body: page, headers: { "content-type": "text/html; charset=utf-8", "x-datadome": "protected", "set-cookie": "datadome=chaos; Path=/" } };
}

/** CloudFront's "Request blocked" as captured (HTTP 403, `X-Cache: Error from cloudfront`). */
export function cloudfrontBlock(page: string): SiteFault {
  return { kind: "answer", status: 403, body: page, headers: { "content-type": "text/html", server: "CloudFront", "x-cache": "Error from cloudfront" } };
}

export const serverError = (status = 503): SiteFault => ({ kind: "answer", status, body: "Service Unavailable", headers: { "content-type": "text/plain" } });

// ------------------------------------------------------------ page edits

/** A page with no items at all (the rest of the page as usual). */
export const emptyPage: PageEdit = () => [];

/** Every item listed twice, the copy right after it (OLX repeats promoted ads; a page may repeat anything). */
export const duplicatedItems: PageEdit = (items) => items.flatMap((item) => [item, structuredClone(item)]);

/** The items whose id is in `ids` left out (a listing that disappears for a while). */
export function hidden(ids: ReadonlySet<string>): PageEdit {
  return (items) => items.filter((item) => !ids.has(String(item.id)));
}

/**
 * OLX offers as the captures drift (test/fixtures/olx/SCHEMA.md): keys
 * renamed the way the 2023 PRERENDERED state names them (`business` →
 * `isBusiness`, `created_time` → `createdTime`, `last_refresh_time` →
 * `lastRefreshTime`), the price param gone ("the whole price param can be
 * missing") and `location.district` absent.
 */
export const olxDrift: PageEdit = (items) =>
  items.map((original) => {
    const offer = structuredClone(original);
    rename(offer, "business", "isBusiness");
    rename(offer, "created_time", "createdTime");
    rename(offer, "last_refresh_time", "lastRefreshTime");
    if (Array.isArray(offer.params)) offer.params = (offer.params as Json[]).filter((p) => p.key !== "price");
    const location = offer.location as Json | undefined;
    if (location) delete location.district;
    return offer;
  });

/**
 * Otodom search items as the captures drift back (test/fixtures/otodom/SCHEMA.md,
 * the 2021 shape): no `location` object, only a `locationLabel` "city,
 * district" as the 2021 page wrote it; no dates (`dateCreated`,
 * `createdAtFirst`); no `href`.
 */
export const otodomDrift: PageEdit = (items) =>
  items.map((original) => {
    const item = structuredClone(original);
    const locations = ((item.location as Json | undefined)?.reverseGeocoding as { locations?: Json[] } | undefined)?.locations ?? [];
    const level = (name: string) => locations.find((l) => l.locationLevel === name)?.name;
    const label = [level("city_or_village"), level("district")].filter((n) => typeof n === "string").join(", ");
    delete item.location;
    if (label) item.locationLabel = { locale: "pl", value: label, __typename: "LocalizedString" };
    delete item.dateCreated;
    delete item.createdAtFirst;
    delete item.href;
    return item;
  });

/**
 * Items that no longer say where they are: a field missing, as a format
 * change may leave it (OLX `location` and `map`; Otodom `location`, no label).
 */
export const withoutPlace: PageEdit = (items) =>
  items.map((original) => {
    const item = structuredClone(original);
    delete item.location;
    delete item.map;
    delete item.locationLabel;
    return item;
  });

function rename(object: Json, from: string, to: string): void {
  if (!(from in object)) return;
  object[to] = object[from];
  delete object[from];
}

// ------------------------------------------------------------ Telegram

/** What a faulty Bot API does to the message-sending calls it takes. */
export type TelegramFault =
  /** Every send refused with 429 until `until` (ms), retry_after the seconds left (at most 60). */
  | { kind: "429-storm"; until: number }
  /** This share of sends fail: half with 502, half hang past the client's timeout (`hangMs`) and drop, not accepted. */
  | { kind: "flaky"; share: number; hangMs: number }
  /** This share of sends are accepted, then the answer is lost (the connection drops): an unknown outcome. */
  | { kind: "lost-answer"; share: number }
  /** The user of this chat blocked the bot: 403 from now on. */
  | { kind: "blocked-by"; chatId: number }
  /** Every photo refused with 400, alternating Telegram's two wordings for a photo it cannot fetch. */
  | { kind: "photo-refused" };

export interface FaultyTelegram {
  handle: Handler;
  add(fault: TelegramFault): void;
  remove(kind: TelegramFault["kind"]): void;
  /** Sends a fault answered (or cut) per kind. */
  readonly injected: Readonly<Record<string, number>>;
  /** Sends the fake accepted whose answer was then lost: the only honest source of a duplicate. */
  readonly unknownOutcomes: number;
}

const SENDS = new Set(["sendMessage", "sendPhoto", "sendMediaGroup", "copyMessage", "forwardMessage"]);
const PHOTO_REFUSALS = ["Bad Request: wrong file identifier/HTTP URL specified", "Bad Request: failed to get HTTP URL content"];

function telegramError(code: number, description: string, retryAfter?: number): Response {
  const body: Json = { ok: false, error_code: code, description };
  if (retryAfter !== undefined) body.parameters = { retry_after: retryAfter };
  return new Response(JSON.stringify(body), { status: code, headers: { "content-type": "application/json" } });
}

/** chat_id of a Bot API call (JSON, urlencoded or multipart, as grammY sends them), read from a copy. */
async function chatIdOf(request: Request): Promise<number | null> {
  const type = request.headers.get("content-type") ?? "";
  const copy = request.clone();
  let value: unknown = new URL(request.url).searchParams.get("chat_id");
  if (type.includes("application/json")) value = ((await copy.json()) as Json).chat_id;
  else if (type.includes("form")) value = (await copy.formData()).get("chat_id");
  const n = Number(value);
  return value === null || value === undefined || !Number.isFinite(n) ? null : n;
}

/**
 * The fake Bot API with switchable faults. `random` decides which sends a
 * share-based fault hits (sim/random.ts's prng, so a run is repeatable).
 */
export function faultyTelegram(inner: Handler, options: { clock?: () => number; random: () => number }): FaultyTelegram {
  const clock = options.clock ?? Date.now;
  const faults: TelegramFault[] = [];
  const injected: Record<string, number> = {};
  let unknownOutcomes = 0;
  let photoRefusals = 0;
  const count = (kind: string) => (injected[kind] = (injected[kind] ?? 0) + 1);

  async function handle(request: Request): Promise<Response> {
    const method = /\/bot[^/]+\/([A-Za-z]+)\/?$/.exec(new URL(request.url).pathname)?.[1] ?? "";
    if (!SENDS.has(method) || faults.length === 0) return inner(request);
    const chatId = await chatIdOf(request);
    for (const fault of faults) {
      if (fault.kind === "blocked-by" && chatId === fault.chatId) {
        count(fault.kind);
        return telegramError(403, "Forbidden: bot was blocked by the user");
      }
      if (fault.kind === "429-storm" && clock() < fault.until) {
        count(fault.kind);
        const retryAfter = Math.min(60, Math.max(1, Math.ceil((fault.until - clock()) / 1000)));
        return telegramError(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter);
      }
      if (fault.kind === "photo-refused" && method === "sendPhoto") {
        count(fault.kind);
        return telegramError(400, PHOTO_REFUSALS[photoRefusals++ % PHOTO_REFUSALS.length] as string);
      }
      if (fault.kind === "flaky" && options.random() < fault.share) {
        count(fault.kind);
        if (options.random() < 0.5) return telegramError(502, "Bad Gateway");
        await sleep(fault.hangMs);
        throw new ConnectionDropped("fault: Telegram never answered");
      }
      if (fault.kind === "lost-answer" && options.random() < fault.share) {
        const response = await inner(request);
        if (!response.ok) return response;
        count(fault.kind);
        unknownOutcomes++;
        throw new ConnectionDropped("fault: the answer to an accepted message was lost");
      }
    }
    return inner(request);
  }

  return {
    handle,
    add(fault) {
      faults.push(fault);
    },
    remove(kind) {
      for (let i = faults.length - 1; i >= 0; i--) if (faults[i]?.kind === kind) faults.splice(i, 1);
    },
    get injected() {
      return { ...injected };
    },
    get unknownOutcomes() {
      return unknownOutcomes;
    },
  };
}
