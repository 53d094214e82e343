import { describe, it } from "vitest";
import { blockDelayS, dueFeeds, feedInterval, retryDelayS } from "../../src/cron/schedule.ts";

describe("feed schedule", () => {
  it("fetches shared feeds more often", ({ expect }) => {
    expect(feedInterval(1, 60)).toBe(60);
    expect(feedInterval(4, 60)).toBe(60);
    expect(feedInterval(5, 60)).toBe(30);
    expect(feedInterval(25, 60)).toBe(20);
    expect(feedInterval(25, 6)).toBe(2);
  });

  it("backs off on errors and blocks, with caps", ({ expect }) => {
    expect([1, 2, 3, 4].map((n) => retryDelayS(60, n))).toEqual([60, 120, 240, 480]);
    expect(retryDelayS(60, 20)).toBe(1800);
    expect([1, 2, 3].map(blockDelayS)).toEqual([300, 600, 1200]);
    expect(blockDelayS(30)).toBe(7200);
  });

  it("picks due, unblocked feeds, most overdue first", ({ expect }) => {
    const now = 1_000_000;
    const feeds = [
      { id: 1, nextDueAt: now - 10, blockedUntil: null },
      { id: 2, nextDueAt: now + 1, blockedUntil: null },
      { id: 3, nextDueAt: now - 500, blockedUntil: null },
      { id: 4, nextDueAt: 0, blockedUntil: now + 60_000 },
      { id: 5, nextDueAt: 0, blockedUntil: now - 1 },
    ];
    expect(dueFeeds(feeds, now).map((f) => f.id)).toEqual([5, 3, 1]);
  });
});
