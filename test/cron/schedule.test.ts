import { describe, it } from "vitest";
import { MAX_POLL_INTERVAL_MS, MIN_POLL_INTERVAL_MS, blockDelayMs, pollIntervalMs, retryDelayMs, shareBudget } from "../../src/cron/schedule.ts";

describe("the politeness budget", () => {
  it("splits a site's requests by the square root of demand and never gives more than the budget", ({ expect }) => {
    const shares = shareBudget(12, [
      { key: "rent", subscribers: 400 },
      { key: "sale", subscribers: 100 },
      { key: "house", subscribers: 0 },
    ]);
    expect(shares.get("rent")).toBe(8); // √400 : √100 = 2 : 1
    expect(shares.get("sale")).toBe(4);
    expect(shares.get("house")).toBe(0); // nobody wants it: its poller is stopped
  });

  it("caps a feed at one poll per MIN_POLL_INTERVAL_MS and gives what it cannot use to the others", ({ expect }) => {
    const cap = 60_000 / MIN_POLL_INTERVAL_MS;
    const shares = shareBudget(100, [
      { key: "a", subscribers: 10_000 },
      { key: "b", subscribers: 1 },
    ]);
    expect(shares.get("a")).toBe(cap);
    expect(shares.get("b")).toBe(cap);
    const many = shareBudget(30, Array.from({ length: 12 }, (_, i) => ({ key: String(i), subscribers: i + 1 })));
    expect([...many.values()].reduce((a, b) => a + b, 0)).toBe(30);
    expect([...many.values()].every(Number.isInteger)).toBe(true);
    // 6.3 and 5.7 a minute would let one feed poll 7 times in some minute: whole shares, by largest remainder.
    const two = shareBudget(12, [
      { key: "rent", subscribers: 120 },
      { key: "sale", subscribers: 100 },
    ]);
    expect([two.get("rent"), two.get("sale")]).toEqual([6, 6]);
  });

  it("spends a share evenly: the pause after a poll grows with the requests it made", ({ expect }) => {
    expect(pollIntervalMs(15, 1)).toBe(4_000);
    expect(pollIntervalMs(15, 3)).toBe(12_000);
    expect(pollIntervalMs(1000, 1)).toBe(MIN_POLL_INTERVAL_MS);
    expect(pollIntervalMs(0, 1)).toBe(MAX_POLL_INTERVAL_MS);
  });

  it("retries one bad page after one interval and backs off only while failures repeat, with caps", ({ expect }) => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(4_000, n))).toEqual([4_000, 8_000, 16_000, 32_000]);
    expect(retryDelayMs(60_000, 20)).toBe(30 * 60_000);
    expect([1, 2, 3].map((n) => blockDelayMs(2_000, n))).toEqual([2_000, 4_000, 8_000]);
    expect(blockDelayMs(2_000, 30)).toBe(2 * 60 * 60_000);
  });

  it("never costs more than the outage lasted plus one interval, and asks a blocking site a few times an hour at most", ({ expect }) => {
    for (const interval of [2_000, 5_000, 60_000]) {
      for (const outageMs of [1, 1_000, 7_000, 45_000, 10 * 60_000, 3 * 60 * 60_000]) {
        // Polls at 0, then after each failure its delay, until one lands after the outage.
        let at = 0;
        let failures = 0;
        let asked = 0;
        while (at < outageMs) {
          failures++;
          asked++;
          at += blockDelayMs(interval, failures);
        }
        const cap = outageMs > 60 * 60_000 ? 2 * 60 * 60_000 : 0; // once capped, the wait is the cap
        expect(at - outageMs).toBeLessThanOrEqual(Math.max(outageMs + interval, cap));
        if (outageMs >= 60 * 60_000) expect(asked / (outageMs / 3_600_000)).toBeLessThan(15);
      }
    }
  });
});
