import { GrammyError, HttpError } from "grammy";

/**
 * What a failed Bot API call means for the notifier, after grammY's errors
 * (GrammyError: Telegram answered ok:false; HttpError: the request itself failed).
 *
 * - rate_limited: 429, wait `retryAfterS` before the next call.
 * - transient: 5xx, or a network error before the request left: back off and retry.
 * - unknown: the call timed out or the connection broke once the request
 *   may have left: Telegram may have delivered it, so a retry may be a copy.
 * - blocked: 403, the user blocked the bot or is gone: stop sending to them.
 * - photo_refused: 400 on sendPhoto because of the photo: send text instead.
 * - rejected: any other 4xx: retrying will not help.
 */
export type TelegramFailure =
  | { kind: "rate_limited"; code: 429; description: string; retryAfterS: number }
  | { kind: "transient"; code: number | null; description: string }
  | { kind: "unknown"; code: null; description: string }
  | { kind: "blocked"; code: 403; description: string }
  | { kind: "photo_refused"; code: 400; description: string }
  | { kind: "rejected"; code: number; description: string };

/** retry_after when a 429 carries none (seconds). */
export const DEFAULT_RETRY_AFTER_S = 5;

/** Telegram's descriptions for photos it could not take (a bad or unreachable URL, not an image, too big). */
const PHOTO_REFUSALS = [
  "wrong file identifier",
  "failed to get http url content",
  "wrong type of the web page content",
  "wrong remote file identifier",
  "image_process_failed",
  "photo_invalid_dimensions",
  "photo_save_file_invalid",
  "webpage_curl_failed",
  "webpage_media_empty",
  "file is too big",
];

const PHOTO_METHODS = new Set(["sendPhoto", "sendMediaGroup"]);

/** Network errors raised before a request can have left: retrying them cannot make a copy. */
const NOT_SENT = /refused|ENOTFOUND|getaddrinfo|could not resolve|dns|no such host|certificate|TLS handshake/i;

/**
 * Removes a bot token from text: grammY's messages and a fetch error's cause
 * may carry the request URL, and with it `/bot<token>/`.
 */
export function redactToken(text: string): string {
  return text.replace(/bot\d+:[\w-]+/g, "bot<token>");
}

/** True for a 400 that blames the photo, so the same message may go as text. */
export function isPhotoRefusal(code: number, description: string): boolean {
  if (code !== 400) return false;
  const d = description.toLowerCase();
  return PHOTO_REFUSALS.some((p) => d.includes(p));
}

/**
 * Sorts anything a Bot API call threw into a TelegramFailure. Only Telegram's
 * own description (or a fixed text for network errors) is kept, never the
 * request URL, so the result is safe to log and to store.
 *
 * @example
 * try { await api.sendPhoto(chat, url) } catch (e) {
 *   const f = classifyTelegramError(e); if (f.kind === "rate_limited") wait(f.retryAfterS);
 * }
 */
export function classifyTelegramError(error: unknown): TelegramFailure {
  if (error instanceof GrammyError) {
    const code = error.error_code;
    const description = redactToken(error.description);
    if (code === 429) {
      const retryAfter = error.parameters.retry_after;
      return {
        kind: "rate_limited",
        code,
        description,
        retryAfterS: typeof retryAfter === "number" && retryAfter >= 0 ? retryAfter : DEFAULT_RETRY_AFTER_S,
      };
    }
    if (code === 403) return { kind: "blocked", code, description };
    if (code === 400 && PHOTO_METHODS.has(error.method) && isPhotoRefusal(code, description)) {
      return { kind: "photo_refused", code, description };
    }
    if (code >= 500) return { kind: "transient", code, description };
    return { kind: "rejected", code, description };
  }
  if (error instanceof HttpError) {
    // HttpError's message names the method only (sensitiveLogs is off); its
    // `error` (the fetch failure) may hold the URL with the token, so only its kind is kept.
    const cause = error.error instanceof Error ? error.error.message : String(error.error);
    const kind = NOT_SENT.test(cause) ? "transient" : "unknown";
    return { kind, code: null, description: `${redactToken(error.message)} (${kind === "unknown" ? "outcome unknown" : "not sent"})` };
  }
  const name = error instanceof Error ? error.name : "Error";
  return { kind: "transient", code: null, description: redactToken(`${name}: ${String(error instanceof Error ? error.message : error)}`) };
}

/** The metric outcome / log field for a failure: its code, or "network". */
export function failureCode(failure: TelegramFailure): string {
  return failure.code === null ? "network" : String(failure.code);
}
