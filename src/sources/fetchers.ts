import { type FetcherName, config } from "../lib/config.ts";
import { browserFetcher, puppeteerDriver } from "./browser-fetcher.ts";
import { directFetcher, type PageFetcher } from "./fetch-page.ts";
import { relayFetcher } from "./relay-fetcher.ts";
import type { Source } from "../model/listing.ts";

/** What the fetchers need of the env. */
export type FetcherEnv = Pick<Env, "OLX_FETCHERS" | "OTODOM_FETCHERS" | "RELAY_URL" | "RELAY_SECRET"> & Partial<Pick<Env, "BROWSER">>;

/** Why a fetcher cannot be built here; null: it can. */
function missing(name: FetcherName, env: FetcherEnv): string | null {
  if (name === "relay") return config(env).relayUrl && env.RELAY_SECRET?.trim() ? null : "RELAY_URL or RELAY_SECRET is not set";
  if (name === "browser") return env.BROWSER ? null : "the BROWSER binding is missing";
  return null;
}

/**
 * A site's fetchers in the order OLX_FETCHERS / OTODOM_FETCHERS name them,
 * without those not set up here (a relay without RELAY_URL): never empty,
 * direct when nothing else is left.
 */
export function fetcherChain(env: FetcherEnv, source: Source): FetcherName[] {
  const c = config(env);
  const named = source === "olx" ? c.olxFetchers : c.otodomFetchers;
  const chain = named.filter((name) => missing(name, env) === null);
  return chain.length ? chain : ["direct"];
}

/**
 * The fetcher of that name on this env.
 *
 * @throws Error naming what is missing when it is not set up
 */
export function createFetcher(name: FetcherName, env: FetcherEnv): PageFetcher {
  const lack = missing(name, env);
  if (lack) throw new Error(`the ${name} fetcher cannot run: ${lack}`);
  if (name === "relay") return relayFetcher({ url: config(env).relayUrl ?? "", secret: env.RELAY_SECRET });
  if (name === "browser" && env.BROWSER) return browserFetcher(puppeteerDriver(env.BROWSER));
  return directFetcher;
}
