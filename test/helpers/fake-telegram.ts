import { env } from "cloudflare:workers";
import { onTestFinished } from "vitest";
import { type FakeTelegramOptions, createFakeTelegram } from "../../sim/fake-telegram.ts";
import { type SiteHandler, fakeWeb } from "./fake-web.ts";

/**
 * Year 2100: a test clock this far ahead keeps the Durable Objects' real
 * alarms (set for clock times) from ever firing on their own, so only
 * runDurableObjectAlarm runs them.
 */
export const FAR_FUTURE = Date.UTC(2100, 0, 1);

/** A clock a test moves by hand. */
export interface TestClock {
  now: number;
}

const ONE_DAY = 24 * 60 * 60 * 1000; // ms
let clocks = 0;

/**
 * A fresh clock, a day after the previous one: the one SendScheduler
 * instance (and its in-memory send window) outlives a test, and a clock
 * that only moves forward never finds it ahead.
 */
export function testClock(): TestClock {
  return { now: FAR_FUTURE + ONE_DAY * clocks++ };
}

/**
 * Routes the Worker's fetches to TELEGRAM_API_ROOT to a fake Bot API that
 * enforces Telegram's limits on `clock`, and those to `sites` (other origins)
 * to their fakes; undone when the test finishes.
 */
export function installFakeTelegram(clock: TestClock, options: FakeTelegramOptions = {}, sites: Record<string, SiteHandler> = {}) {
  const telegram = createFakeTelegram({ clock: () => clock.now, token: env.TELEGRAM_BOT_TOKEN, ...options });
  const web = fakeWeb({ ...sites, [new URL(env.TELEGRAM_API_ROOT).origin]: telegram.handle });
  onTestFinished(() => web.restore());
  return { telegram, requests: web.requests };
}
