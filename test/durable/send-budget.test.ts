import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { GLOBAL_GAP_MS, GLOBAL_PER_SECOND, LINE_GAP_MS, backoffDelayMs, nextWakeAt, reserveSlot } from "../../src/durable/pacing.ts";
import { GRANT_WINDOW_MS } from "../../src/durable/send-budget.ts";
import { testClock } from "../helpers/fake-telegram.ts";

/** Most slots inside any half-open window [t, t + 1000). */
function busiestSecond(slots: readonly number[]): number {
  const sorted = [...slots].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= 1000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe("SendBudget", () => {
  it("spaces reservations made at the same instant 1000/25 ms apart", async ({ expect }) => {
    const { now } = testClock();
    const budget = env.SEND_BUDGET.getByName("global");
    const slots: number[] = [];
    for (let i = 0; i < 120; i++) slots.push(await budget.reserve(now));

    expect(slots[0]).toBe(now);
    for (let i = 1; i < slots.length; i++) expect(slots[i]).toBeGreaterThan(slots[i - 1] ?? 0);
    expect(busiestSecond(slots)).toBe(Math.round(1000 / LINE_GAP_MS));
    // 120 sends need 120 gaps, not more: the budget does not waste slots.
    expect((slots.at(-1) ?? 0) - now).toBeLessThan(120 * LINE_GAP_MS);
  });

  it("gives concurrent callers distinct slots, at most 30 in any second", async ({ expect }) => {
    const { now } = testClock();
    const budget = env.SEND_BUDGET.getByName("global");
    const slots = await Promise.all(Array.from({ length: 90 }, () => budget.reserve(now)));
    expect(new Set(slots).size).toBe(90);
    expect(busiestSecond(slots)).toBeLessThanOrEqual(GLOBAL_PER_SECOND);
    expect(Math.min(...slots)).toBe(now);
  });

  it("grants at most 28 places that come due together, and sends the rest back at spread-out times", async ({ expect }) => {
    const { now } = testClock();
    const budget = env.SEND_BUDGET.getByName("global");
    // 120 places in line, about five seconds' worth; then every alarm runs ten seconds late, at once.
    for (let i = 0; i < 120; i++) await budget.reserve(now);
    const late = now + 10_000;
    const answers = await Promise.all(Array.from({ length: 120 }, () => budget.claim(late)));
    expect(answers.filter((a) => a === late)).toHaveLength(GLOBAL_PER_SECOND);
    const back = answers.filter((a) => a !== late).sort((a, b) => a - b);
    expect(back).toHaveLength(120 - GLOBAL_PER_SECOND);
    // Not before the window has room again, and never two at once.
    expect(back[0]).toBe(late + GRANT_WINDOW_MS);
    for (let i = 1; i < back.length; i++) expect((back[i] ?? 0) - (back[i - 1] ?? 0)).toBeGreaterThanOrEqual(Math.floor(GLOBAL_GAP_MS));
    // Those that come back when told are granted while the window has room.
    const again = await Promise.all(back.slice(0, 40).map((at) => budget.claim(at)));
    expect(again.filter((a, i) => a === back[i]).length).toBeGreaterThanOrEqual(GLOBAL_PER_SECOND - 1);
  });

  it("gives the caller's own time when the budget is idle", async ({ expect }) => {
    const clock = testClock();
    const budget = env.SEND_BUDGET.getByName("global");
    expect(await budget.reserve(clock.now)).toBe(clock.now);
    clock.now += 5_000;
    expect(await budget.reserve(clock.now)).toBe(clock.now);
  });

  it("holds every send after a 429 until retry_after has passed", async ({ expect }) => {
    const { now } = testClock();
    const budget = env.SEND_BUDGET.getByName("global");
    await budget.holdUntil(now + 3_000, now);
    expect(await budget.reserve(now)).toBe(now + 3_000);
    expect(await budget.reserve(now + 100)).toBe(Math.ceil(now + 3_000 + LINE_GAP_MS));
    // A place held from before the 429 waits too, and the next one behind it.
    expect(await budget.claim(now + 200)).toBe(now + 3_000);
    expect(await budget.claim(now + 200)).toBe(Math.ceil(now + 3_000 + GLOBAL_GAP_MS));
  });
});

describe("pacing rules", () => {
  it("reserves like a RateLimiter: now or the next allowed time", ({ expect }) => {
    expect(reserveSlot(0, 1000, 100)).toEqual({ slot: 1000, next: 1100 });
    expect(reserveSlot(1100, 1000, 100)).toEqual({ slot: 1100, next: 1200 });
    expect(reserveSlot(1000 + 1 / 3, 1000, 100).slot).toBe(1001);
  });

  it("backs off exponentially with capped, non-negative jitter", ({ expect }) => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, () => 0))).toEqual([1000, 2000, 4000, 8000, 16000, 32000]);
    expect(backoffDelayMs(20, () => 0)).toBe(60_000);
    expect(backoffDelayMs(2, () => 0.999)).toBeLessThanOrEqual(2500);
    expect(backoffDelayMs(2, () => 0.999)).toBeGreaterThan(2000);
  });

  it("wakes for the earliest due row, not before the chat and budget allow, never when empty", ({ expect }) => {
    expect(nextWakeAt({ earliestDue: null, chatNextAllowed: 5000, budgetPlaceDue: 7000 })).toBeNull();
    expect(nextWakeAt({ earliestDue: 100, chatNextAllowed: 0, budgetPlaceDue: null })).toBe(100);
    expect(nextWakeAt({ earliestDue: 100, chatNextAllowed: 1100, budgetPlaceDue: null })).toBe(1100);
    expect(nextWakeAt({ earliestDue: 100, chatNextAllowed: 1100, budgetPlaceDue: 1200 })).toBe(1200);
  });
});
