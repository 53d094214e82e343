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

  it("retries at the normal interval for a minute of failures, then backs off doubling, with caps", ({ expect }) => {
    // 4 s interval: 15 failures fit in a minute, then 8 s, 16 s, …
    expect([1, 2, 15, 16, 17, 18].map((n) => retryDelayMs(4_000, n))).toEqual([4_000, 4_000, 4_000, 8_000, 16_000, 32_000]);
    expect(retryDelayMs(60_000, 20)).toBe(30 * 60_000);
    expect([1, 30, 31, 32].map((n) => blockDelayMs(2_000, n))).toEqual([2_000, 2_000, 4_000, 8_000]);
    expect(blockDelayMs(2_000, 60)).toBe(2 * 60 * 60_000);
  });

  it("costs an outage of up to a minute no more than its length plus one interval, a longer one at most its length again, and asks a blocking site a few times an hour", ({ expect }) => {
    for (const interval of [2_000, 5_000, 60_000]) {
      for (const outageMs of [1, 1_000, 7_000, 45_000, 60_000, 10 * 60_000, 3 * 60 * 60_000]) {
        // Polls at 0, then after each failure its delay, until one lands after the outage.
        let at = 0;
        let failures = 0;
        while (at < outageMs) at += blockDelayMs(interval, ++failures);
        const lag = at - outageMs; // how long after the site came back the poller saw it
        if (outageMs <= 60_000) expect(lag).toBeLessThanOrEqual(interval);
        else expect(lag).toBeLessThanOrEqual(Math.min(outageMs + interval, 2 * 60 * 60_000));
        if (outageMs >= 60 * 60_000) expect(failures - 60_000 / interval).toBeLessThan(15);
      }
    }
  });
});
