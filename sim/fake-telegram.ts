/**
 * A fake Telegram Bot API as a web-standard handler: `POST /bot<token>/<method>`
 * with JSON, urlencoded or multipart bodies (as grammY sends them), answered
 * with Telegram-shaped JSON. It enforces Telegram's limits on the clock it is
 * given (one message per second per chat, 30 per second in total: 429 with
 * retry_after beyond that), checks HTML parse mode and length limits, records
 * every accepted message, and can be scripted to fail. No Worker-only API: the
 * same factory serves the tests (through a fetch stub), `npm start` and the
 * benchmark (through sim/serve.ts).
 *
 * @example
 * const telegram = createFakeTelegram({ clock: () => now });
 * telegram.failNext(1, telegramFailures.tooManyRequests(3));
 * const response = await telegram.handle(new Request(`${root}/bot${token}/sendMessage`, { method: "POST", ... }));
 */

export interface FakeTelegramOptions {
  /** Accept only this bot token (others get 401); default: any. */
  token?: string;
  /** The clock the limits are enforced on (ms since epoch); default Date.now. */
  clock?: () => number;
  /** Least time between two messages to one chat (ms); default 1000. */
  chatGapMs?: number;
  /** Most messages in any second for the whole bot; default 30. */
  globalPerSecond?: number;
  /** Refuse every photo with 400 "wrong file identifier/HTTP URL specified"; default false. */
  refusePhotos?: boolean;
  /** Reject malformed HTML parse-mode text like Telegram does; default true. */
  strictHtml?: boolean;
  /** getMe's answer. */
  bot?: { id: number; username: string; first_name: string };
}

/** One message Telegram accepted. */
export interface FakeTelegramMessage {
  message_id: number;
  chat_id: number;
  method: string;
  /** sendMessage's text, else null. */
  text: string | null;
  /** sendPhoto's caption, else null. */
  caption: string | null;
  /** sendPhoto's photo (URL or file id; "(upload)" for a file), else null. */
  photo: string | null;
  parse_mode: string | null;
  reply_markup: unknown;
  link_preview_options: unknown;
  /** The message it answers: `reply_parameters.message_id` (or the older `reply_to_message_id`); null: not a reply. */
  reply_to: number | null;
  /** Sent with allow_paid_broadcast: counted against the paid 1 000 a second, not the free 30. */
  paid: boolean;
  /** Arrival time on the fake's clock (ms). */
  at: number;
}

/** Every call, accepted or not. */
export interface FakeTelegramCall {
  method: string;
  chat_id: number | null;
  at: number;
  ok: boolean;
  error_code: number | null;
  description: string | null;
}

/** A scripted failure: a Telegram error answer, or a dropped connection. */
export type FakeTelegramFailure =
  | { error_code: number; description: string; retry_after?: number; methods?: readonly string[] }
  | { network: true; methods?: readonly string[] };

/** Ready-made failures, as the real Bot API words them. */
export const telegramFailures = {
  tooManyRequests: (retryAfterS: number): FakeTelegramFailure => ({
    error_code: 429,
    description: `Too Many Requests: retry after ${retryAfterS}`,
    retry_after: retryAfterS,
  }),
  blocked: (): FakeTelegramFailure => ({ error_code: 403, description: "Forbidden: bot was blocked by the user" }),
  deactivated: (): FakeTelegramFailure => ({ error_code: 403, description: "Forbidden: user is deactivated" }),
  serverError: (): FakeTelegramFailure => ({ error_code: 500, description: "Internal Server Error" }),
  badGateway: (): FakeTelegramFailure => ({ error_code: 502, description: "Bad Gateway" }),
  chatNotFound: (): FakeTelegramFailure => ({ error_code: 400, description: "Bad Request: chat not found" }),
  wrongPhoto: (): FakeTelegramFailure => ({
    error_code: 400,
    description: "Bad Request: wrong file identifier/HTTP URL specified",
    methods: ["sendPhoto"],
  }),
  network: (): FakeTelegramFailure => ({ network: true }),
} as const;

export interface FakeTelegram {
  /** The Bot API: pass it any Request; a scripted network failure rejects. */
  handle: (request: Request) => Promise<Response>;
  /** Accepted messages, in arrival order. */
  readonly messages: FakeTelegramMessage[];
  /** Every call, in arrival order. */
  readonly calls: FakeTelegramCall[];
  /** The last setWebhook call's parameters, if any. */
  readonly webhook: { url: string; secret_token: string | null; allowed_updates: unknown; drop_pending_updates: unknown } | null;
  /** setMyCommands calls' parameters, in order. */
  readonly commandSets: { commands: unknown; language_code: string | null; scope: unknown }[];
  /** answerCallbackQuery calls: which query, and the toast text if any. */
  readonly callbackAnswers: { callback_query_id: string; text: string | null }[];
  /** editMessageText / editMessageReplyMarkup calls, in order. */
  readonly edits: { method: string; chat_id: number | null; message_id: number; text: string | null; reply_markup: unknown }[];
  /** The next `count` calls (of `failure.methods`, default: any message-sending method) fail this way. */
  failNext: (count: number, failure: FakeTelegramFailure) => void;
  /** Refuse (or stop refusing) every photo. */
  refusePhotos: (on?: boolean) => void;
  /** Forgets messages, calls, scripts and rate-limit state. */
  reset: () => void;
}

/** Methods that post a message into a chat: these are rate limited and scriptable by default. */
const SEND_METHODS = new Set([
  "sendMessage",
  "sendPhoto",
  "sendMediaGroup",
  "sendDocument",
  "sendVideo",
  "sendAnimation",
  "sendAudio",
  "sendVoice",
  "sendSticker",
  "sendLocation",
  "sendVenue",
  "sendContact",
  "sendPoll",
  "sendDice",
  "copyMessage",
  "forwardMessage",
]);

/** Methods answered with plain `true`. */
const TRUE_METHODS = new Set([
  "answerCallbackQuery",
  "answerInlineQuery",
  "answerWebAppQuery",
  "setWebhook",
  "deleteWebhook",
  "setMyCommands",
  "deleteMyCommands",
  "setChatMenuButton",
  "setMyDescription",
  "setMyShortDescription",
  "setMyName",
  "sendChatAction",
  "deleteMessage",
  "deleteMessages",
  "logOut",
  "close",
]);

/** Fields grammY sends as JSON strings inside form bodies. */
const JSON_FIELDS = new Set([
  "reply_markup",
  "link_preview_options",
  "entities",
  "caption_entities",
  "commands",
  "allowed_updates",
  "reply_parameters",
  "scope",
  "menu_button",
  "media",
]);

const CAPTION_LIMIT = 1024;
const TEXT_LIMIT = 4096;
const HTML_TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "span",
  "tg-spoiler",
  "a",
  "code",
  "pre",
  "blockquote",
  "tg-emoji",
]);

type Params = Record<string, unknown>;

function reply(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function error(code: number, description: string, retryAfter?: number): Response {
  const body: Params = { ok: false, error_code: code, description };
  if (retryAfter !== undefined) body.parameters = { retry_after: retryAfter };
  return reply(body, code);
}

async function readParams(request: Request): Promise<Params> {
  const params: Params = Object.fromEntries(new URL(request.url).searchParams);
  const type = request.headers.get("content-type") ?? "";
  if (request.method === "GET" || request.method === "HEAD") return params;
  if (type.includes("application/json")) {
    const text = await request.text();
    const body: unknown = text ? JSON.parse(text) : {};
    if (body && typeof body === "object") Object.assign(params, body);
    return params;
  }
  if (type.includes("multipart/form-data") || type.includes("application/x-www-form-urlencoded")) {
    const form = await request.formData();
    for (const [key, value] of form) {
      if (typeof value !== "string") {
        params[key] = "(upload)";
        continue;
      }
      // grammY attaches files as `attach://<id>` plus a part named <id>.
      if (value.startsWith("attach://")) {
        params[key] = "(upload)";
        continue;
      }
      params[key] = JSON_FIELDS.has(key) ? safeJson(value) : value;
    }
  }
  return params;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function asString(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return null;
}

function asChatId(value: unknown): number | null {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

/**
 * Checks HTML parse-mode text the way Telegram rejects it: a `<` or `&` that
 * starts no tag or entity, an unsupported or unbalanced tag.
 *
 * @returns Telegram's error description, or null when the text is fine
 */
export function checkTelegramHtml(html: string): string | null {
  const stack: string[] = [];
  for (let i = 0; i < html.length; i++) {
    const c = html[i];
    if (c === "&") {
      const entity = /^&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/.exec(html.slice(i, i + 12));
      if (!entity) return `Bad Request: can't parse entities: Character '&' is reserved and must be escaped at byte offset ${i}`;
      i += entity[0].length - 1;
    } else if (c === ">") {
      return `Bad Request: can't parse entities: Character '>' is reserved and must be escaped at byte offset ${i}`;
    } else if (c === "<") {
      const tag = /^<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:="[^"<>]*")?)*)\s*>/.exec(html.slice(i));
      if (!tag) return `Bad Request: can't parse entities: Unclosed start tag at byte offset ${i}`;
      const [whole, closing, rawName = ""] = tag;
      const name = rawName.toLowerCase();
      if (!HTML_TAGS.has(name)) return `Bad Request: can't parse entities: Unsupported start tag "${name}" at byte offset ${i}`;
      if (closing) {
        if (stack.pop() !== name) return `Bad Request: can't parse entities: Unmatched end tag at byte offset ${i}, expected "</${stack.at(-1) ?? ""}>", found "</${name}>"`;
      } else {
        stack.push(name);
      }
      i += whole.length - 1;
    }
  }
  const open = stack.at(-1);
  return open ? `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${open}"` : null;
}

/** Text length as Telegram counts it in HTML mode: without tags, entities as one character. */
function visibleLength(html: string): number {
  return html.replace(/<[^>]*>/g, "").replace(/&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/g, "x").length;
}

function buttonsValid(markup: unknown): boolean {
  if (!markup || typeof markup !== "object" || !("inline_keyboard" in markup)) return true;
  const rows = (markup as { inline_keyboard: unknown }).inline_keyboard;
  if (!Array.isArray(rows)) return false;
  for (const row of rows) {
    if (!Array.isArray(row)) return false;
    for (const button of row) {
      if (!button || typeof button !== "object") return false;
      const url = (button as { url?: unknown }).url;
      if (url !== undefined && (typeof url !== "string" || !/^(https?|tg):\/\//.test(url))) return false;
    }
  }
  return true;
}

/**
 * Creates a fake Bot API. See the file comment for what it checks.
 *
 * @example
 * const telegram = createFakeTelegram({ clock: () => clock.now, token: "123456:test-token" });
 * serve(telegram.handle, 8081); // or route fetch to it in a test
 */
/** Telegram's ceiling for paid broadcasts (allow_paid_broadcast), messages a second. */
const PAID_PER_SECOND = 1000;

function replyTo(params: Params): number | null {
  const reply = params.reply_parameters as { message_id?: unknown } | null | undefined;
  const id = Number(reply?.message_id ?? params.reply_to_message_id ?? Number.NaN);
  return Number.isInteger(id) ? id : null;
}

const isPaid = (params: Params) => params.allow_paid_broadcast === true || params.allow_paid_broadcast === "true";

export function createFakeTelegram(options: FakeTelegramOptions = {}): FakeTelegram {
  const clock = options.clock ?? (() => Date.now());
  const chatGapMs = options.chatGapMs ?? 1000;
  const globalPerSecond = options.globalPerSecond ?? 30;
  const strictHtml = options.strictHtml ?? true;
  const bot = options.bot ?? { id: 123456, username: "getmeone_test_bot", first_name: "GetMeOne" };

  const messages: FakeTelegramMessage[] = [];
  const calls: FakeTelegramCall[] = [];
  const commandSets: FakeTelegram["commandSets"][number][] = [];
  const callbackAnswers: FakeTelegram["callbackAnswers"][number][] = [];
  const edits: FakeTelegram["edits"][number][] = [];
  const scripted: FakeTelegramFailure[] = [];
  const lastToChat = new Map<number, number>();
  let recent: number[] = [];
  let refuseAllPhotos = options.refusePhotos ?? false;
  let nextMessageId = 1;
  let webhook: FakeTelegram["webhook"] = null;
  let commands: unknown = [];

  function takeScripted(method: string): FakeTelegramFailure | undefined {
    const index = scripted.findIndex((f) => (f.methods ? f.methods.includes(method) : SEND_METHODS.has(method)));
    if (index < 0) return undefined;
    return scripted.splice(index, 1)[0];
  }

  /** Telegram's limits: null when the message may go now, else the seconds to wait. */
  function rateLimit(chatId: number, now: number, paid: boolean): number | null {
    const last = lastToChat.get(chatId);
    if (last !== undefined && now - last < chatGapMs) return Math.max(1, Math.ceil((last + chatGapMs - now) / 1000));
    recent = recent.filter((t) => t > now - 1000);
    if (recent.length >= (paid ? PAID_PER_SECOND : globalPerSecond)) return 1;
    return null;
  }

  function messageResult(method: string, chatId: number, params: Params, at: number): Params {
    const id = nextMessageId++;
    const text = method === "sendMessage" ? asString(params.text) : null;
    const caption = asString(params.caption);
    const photo = method === "sendPhoto" ? asString(params.photo) : null;
    messages.push({
      message_id: id,
      chat_id: chatId,
      method,
      text,
      caption,
      photo,
      parse_mode: asString(params.parse_mode),
      reply_markup: params.reply_markup ?? null,
      link_preview_options: params.link_preview_options ?? null,
      reply_to: replyTo(params),
      paid: isPaid(params),
      at,
    });
    lastToChat.set(chatId, at);
    recent.push(at);
    const result: Params = {
      message_id: id,
      date: Math.floor(at / 1000),
      chat: { id: chatId, type: chatId < 0 ? "group" : "private" },
      from: { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username },
    };
    if (text !== null) result.text = text;
    if (caption !== null) result.caption = caption;
    if (photo !== null) {
      result.photo = [{ file_id: `photo-${id}`, file_unique_id: `u${id}`, width: 800, height: 600 }];
    }
    if (params.reply_markup) result.reply_markup = params.reply_markup;
    return result;
  }

  function answer(method: string, params: Params, at: number): Response {
    if (method === "getMe") {
      return reply({ ok: true, result: { ...bot, is_bot: true, can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false } });
    }
    if (method === "getWebhookInfo") {
      return reply({ ok: true, result: { url: webhook?.url ?? "", has_custom_certificate: false, pending_update_count: 0 } });
    }
    if (method === "getMyCommands") return reply({ ok: true, result: commands });
    if (method === "setWebhook") {
      webhook = {
        url: asString(params.url) ?? "",
        secret_token: asString(params.secret_token),
        allowed_updates: params.allowed_updates ?? null,
        drop_pending_updates: params.drop_pending_updates ?? null,
      };
    }
    if (method === "deleteWebhook") webhook = null;
    if (method === "setMyCommands") {
      commands = params.commands ?? [];
      commandSets.push({ commands, language_code: asString(params.language_code), scope: (params.scope as { type?: unknown } | undefined)?.type ?? null });
    }
    if (method === "answerCallbackQuery") callbackAnswers.push({ callback_query_id: asString(params.callback_query_id) ?? "", text: asString(params.text) });
    if (TRUE_METHODS.has(method)) return reply({ ok: true, result: true });

    const chatId = asChatId(params.chat_id);
    if (method === "editMessageText" || method === "editMessageCaption" || method === "editMessageReplyMarkup") {
      edits.push({ method, chat_id: chatId, message_id: Number(params.message_id), text: asString(params.text), reply_markup: params.reply_markup ?? null });
      if (chatId === null) return reply({ ok: true, result: true }); // inline message
      return reply({ ok: true, result: { message_id: Number(params.message_id), date: Math.floor(at / 1000), chat: { id: chatId, type: "private" } } });
    }
    if (!SEND_METHODS.has(method)) return error(404, "Not Found: method not found");
    if (chatId === null) return error(400, "Bad Request: chat_id is empty");

    const html = asString(params.parse_mode)?.toUpperCase() === "HTML";
    if (method === "sendMessage") {
      const text = asString(params.text) ?? "";
      if (!text.trim()) return error(400, "Bad Request: message text is empty");
      if (html && strictHtml) {
        const problem = checkTelegramHtml(text);
        if (problem) return error(400, problem);
      }
      if ((html ? visibleLength(text) : text.length) > TEXT_LIMIT) return error(400, "Bad Request: message is too long");
    }
    if (method === "sendPhoto") {
      const photo = asString(params.photo);
      if (!photo) return error(400, "Bad Request: there is no photo in the request");
      if (refuseAllPhotos) return error(400, "Bad Request: wrong file identifier/HTTP URL specified");
      const caption = asString(params.caption) ?? "";
      if (html && strictHtml) {
        const problem = checkTelegramHtml(caption);
        if (problem) return error(400, problem);
      }
      if ((html ? visibleLength(caption) : caption.length) > CAPTION_LIMIT) return error(400, "Bad Request: message caption is too long");
    }
    if (!buttonsValid(params.reply_markup)) return error(400, "Bad Request: BUTTON_URL_INVALID");

    const wait = rateLimit(chatId, at, isPaid(params));
    if (wait !== null) return error(429, `Too Many Requests: retry after ${wait}`, wait);
    return reply({ ok: true, result: messageResult(method, chatId, params, at) });
  }

  async function handle(request: Request): Promise<Response> {
    const at = clock();
    const match = /\/bot([^/]+)\/(?:test\/)?([A-Za-z]+)\/?$/.exec(new URL(request.url).pathname);
    if (!match) return error(404, "Not Found");
    const [, token = "", method = ""] = match;
    const params = await readParams(request);
    const chatId = asChatId(params.chat_id);
    const log = (response: Response, description: string | null): Response => {
      calls.push({ method, chat_id: chatId, at, ok: response.ok, error_code: response.ok ? null : response.status, description });
      return response;
    };
    if (options.token !== undefined && token !== options.token) return log(error(401, "Unauthorized"), "Unauthorized");

    const failure = takeScripted(method);
    if (failure) {
      if ("network" in failure) {
        calls.push({ method, chat_id: chatId, at, ok: false, error_code: null, description: "network" });
        throw new TypeError("fake-telegram: connection reset (scripted)");
      }
      return log(error(failure.error_code, failure.description, failure.retry_after), failure.description);
    }
    const response = answer(method, params, at);
    if (response.ok) return log(response, null);
    const body = (await response.clone().json()) as { description?: string };
    return log(response, body.description ?? null);
  }

  return {
    handle,
    messages,
    calls,
    commandSets,
    callbackAnswers,
    edits,
    get webhook() {
      return webhook;
    },
    failNext(count, failure) {
      for (let i = 0; i < count; i++) scripted.push(failure);
    },
    refusePhotos(on = true) {
      refuseAllPhotos = on;
    },
    reset() {
      messages.length = 0;
      calls.length = 0;
      commandSets.length = 0;
      callbackAnswers.length = 0;
      edits.length = 0;
      scripted.length = 0;
      lastToChat.clear();
      recent = [];
      webhook = null;
      commands = [];
    },
  };
}

