import { z } from "zod";

/**
 * The Worker's vars and secrets (wrangler.toml [vars], `wrangler secret`,
 * .dev.vars) read through one schema, so each setting has one default and one
 * rule for what a bad value means. A var that is set but unreadable falls
 * back to its default (a typo must not stop the bot); a secret that is
 * missing is reported by name (missingSecrets), never guessed.
 */

const positiveInt = (fallback: number) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v), z.number().int().positive()).catch(fallback);

/** The ways a page can be fetched (src/sources/fetchers.ts): the Worker's own fetch, an operator's relay, Cloudflare Browser Rendering. */
export const FETCHER_NAMES = ["direct", "relay", "browser"] as const;
export type FetcherName = (typeof FETCHER_NAMES)[number];

/** "direct,relay" as a list, each name once, in the order given; anything unreadable falls back to direct alone. */
const fetcherList = z
  .preprocess(
    (v) => (typeof v === "string" ? [...new Set(v.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean))] : v),
    z.array(z.enum(FETCHER_NAMES)).min(1),
  )
  .catch(["direct"]);

const configSchema = z.object({
  /**
   * Requests per minute each site gets from us in all, shared among its feeds
   * (src/cron/schedule.ts): OLX's JSON answer is ~50 KB, 30 a minute is one
   * request every 2 s for the whole bot; Otodom's page is ~1 MB and judged by
   * DataDome, so 12.
   */
  olxRequestsPerMin: positiveInt(30),
  otodomRequestsPerMin: positiveInt(12),
  /**
   * Per site, the fetchers a feed tries in order: a block moves it to the
   * next; FETCHER_QUIET_MIN minutes without one move it back a step.
   */
  olxFetchers: fetcherList,
  otodomFetchers: fetcherList,
  fetcherQuietMin: positiveInt(360),
  /** The relay's base URL without a trailing slash; null: no relay. */
  relayUrl: z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? v.trim().replace(/\/+$/, "") : null), z.url().nullable()).catch(null),
  /** The most saved searches one user may keep. */
  maxSearchesPerUser: positiveInt(20),
  /** Updates one user may send in 10 s before the bot asks them to slow down. */
  botRateLimit: positiveInt(8),
  /** How old a Mini App's initData may be (s). */
  initDataMaxAgeS: positiveInt(24 * 60 * 60),
  /** live: call Telegram; mock: record what would have been sent. Anything else is live. */
  telegramMode: z.enum(["live", "mock"]).catch("live"),
  /** Where operator alerts go; null: nowhere (logged only). */
  adminChatId: z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : null), z.number().int().nullable()).catch(null),
  /** Scheme and host of the Bot API (a local fake in tests and `npm start`). */
  telegramApiRoot: z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? v.replace(/\/+$/, "") : undefined), z.string().default("https://api.telegram.org")),
  /**
   * Telegram's paid broadcasts: what the free 30 messages a second cannot
   * carry goes with allow_paid_broadcast (up to 1 000 a second, 0.1 Star
   * each, from the bot's Stars balance). Off unless set to "true".
   */
  paidBroadcast: z.preprocess((v) => v === "true", z.boolean()).catch(false),
  /** Where the Worker is reached from outside (webhook, settings links), without a trailing slash. */
  publicUrl: z.string().transform((v) => v.replace(/\/+$/, "")).catch(""),
});

export type Config = z.infer<typeof configSchema>;

/** The vars the schema reads, by their wrangler names. */
type ConfigVars = Pick<
  Env,
  "OLX_REQUESTS_PER_MIN" | "OTODOM_REQUESTS_PER_MIN" | "OLX_FETCHERS" | "OTODOM_FETCHERS" | "FETCHER_QUIET_MIN" | "RELAY_URL" | "MAX_SEARCHES_PER_USER" | "BOT_RATE_LIMIT" | "INIT_DATA_MAX_AGE_S" | "TELEGRAM_MODE" | "ADMIN_CHAT_ID" | "TELEGRAM_API_ROOT" | "PUBLIC_URL" | "PAID_BROADCAST"
>;

/**
 * The settings of this deployment. Cheap enough to read per call: no cache
 * to go stale when a test hands in another env.
 *
 * @example config(env).maxSearchesPerUser // 20 unless MAX_SEARCHES_PER_USER says otherwise
 */
export function config(env: Partial<ConfigVars>): Config {
  return configSchema.parse({
    olxRequestsPerMin: env.OLX_REQUESTS_PER_MIN,
    otodomRequestsPerMin: env.OTODOM_REQUESTS_PER_MIN,
    olxFetchers: env.OLX_FETCHERS,
    otodomFetchers: env.OTODOM_FETCHERS,
    fetcherQuietMin: env.FETCHER_QUIET_MIN,
    relayUrl: env.RELAY_URL,
    maxSearchesPerUser: env.MAX_SEARCHES_PER_USER,
    botRateLimit: env.BOT_RATE_LIMIT,
    initDataMaxAgeS: env.INIT_DATA_MAX_AGE_S,
    telegramMode: env.TELEGRAM_MODE,
    adminChatId: env.ADMIN_CHAT_ID,
    telegramApiRoot: env.TELEGRAM_API_ROOT,
    paidBroadcast: env.PAID_BROADCAST,
    publicUrl: env.PUBLIC_URL ?? "",
  });
}

/** Secrets the Worker cannot work without, and what breaks without each. */
export const REQUIRED_SECRETS = {
  TELEGRAM_BOT_TOKEN: "the bot cannot send, and Mini App sign-in (initData) can never verify",
  TELEGRAM_WEBHOOK_SECRET: "every webhook call is refused",
  APP_SECRET: "settings-page links, sessions and CSRF tokens cannot be signed: every sign-in fails",
} as const;
export type RequiredSecret = keyof typeof REQUIRED_SECRETS;

/** The required secrets this env lacks (unset or blank), in a fixed order. */
export function missingSecrets(env: Partial<Record<RequiredSecret, string>>): RequiredSecret[] {
  return (Object.keys(REQUIRED_SECRETS) as RequiredSecret[]).filter((name) => !env[name]?.trim());
}
