import { describe, it } from "vitest";
import { LADDER_START, type LadderState, afterBlock, afterSuccess, currentFetcher } from "../../src/cron/fetcher-ladder.ts";
import type { FetcherName } from "../../src/lib/config.ts";

const CHAIN: FetcherName[] = ["direct", "relay", "browser"];
const QUIET = 60 * 60_000; // ms
const T = 1_000_000;

describe("the fetcher ladder", () => {
  it("starts on the chain's first fetcher and stays there while the site answers, without a state change", ({ expect }) => {
    expect(currentFetcher(CHAIN, LADDER_START)).toBe("direct");
    const step = afterSuccess(CHAIN, LADDER_START, T, QUIET);
    expect(step).toEqual({ state: LADDER_START, move: null, fetcher: "direct" });
    expect(step.state).toBe(LADDER_START); // the same object: the poller writes nothing
  });

  it("moves one step up per block, then stays on the last one, exhausted", ({ expect }) => {
    const first = afterBlock(CHAIN, LADDER_START, T);
    expect(first).toEqual({ state: { current: "relay", since: T, trial: false }, move: "escalated", fetcher: "relay" });
    const second = afterBlock(CHAIN, first.state, T + 5);
    expect(second).toMatchObject({ move: "escalated", fetcher: "browser" });
    const third = afterBlock(CHAIN, second.state, T + 10);
    expect(third).toEqual({ state: { current: "browser", since: T + 10, trial: false }, move: "exhausted", fetcher: "browser" });
    expect(afterBlock(["direct"], LADDER_START, T)).toMatchObject({ move: "exhausted", fetcher: "direct" });
  });

  it("steps down once the quiet period passed without a block, on trial; the trial holds after a good poll", ({ expect }) => {
    const onRelay: LadderState = { current: "relay", since: T, trial: false };
    expect(afterSuccess(CHAIN, onRelay, T + QUIET - 1, QUIET)).toMatchObject({ move: null, fetcher: "relay" });
    const down = afterSuccess(CHAIN, onRelay, T + QUIET, QUIET);
    expect(down).toEqual({ state: { current: "direct", since: T + QUIET, trial: true }, move: "stepped-down", fetcher: "direct" });
    const held = afterSuccess(CHAIN, down.state, T + QUIET + 5, QUIET);
    expect(held).toEqual({ state: { current: "direct", since: T + QUIET, trial: false }, move: "confirmed", fetcher: "direct" });
  });

  it("goes straight back up when the trial is refused, as a return, not a new escalation", ({ expect }) => {
    const trial: LadderState = { current: "relay", since: T, trial: true };
    expect(afterBlock(CHAIN, trial, T + 1)).toEqual({ state: { current: "browser", since: T + 1, trial: false }, move: "returned", fetcher: "browser" });
  });

  it("the quiet period runs from the last block: a block on the higher fetcher restarts it", ({ expect }) => {
    const onBrowser = afterBlock(CHAIN, { current: "relay", since: T, trial: false }, T + QUIET / 2).state;
    expect(afterSuccess(CHAIN, onBrowser, T + QUIET, QUIET).move).toBeNull();
    expect(afterSuccess(CHAIN, onBrowser, T + QUIET / 2 + QUIET, QUIET)).toMatchObject({ move: "stepped-down", fetcher: "relay" });
  });

  it("copes with a chain changed under it: a fetcher no longer named means the first", ({ expect }) => {
    const onBrowser: LadderState = { current: "browser", since: T, trial: false };
    expect(currentFetcher(["direct", "relay"], onBrowser)).toBe("direct");
    expect(afterBlock(["direct", "relay"], onBrowser, T + 1)).toMatchObject({ move: "escalated", fetcher: "relay" });
    // Above the first with no time on record: the quiet period starts now rather than at once.
    const untimed: LadderState = { current: "relay", since: null, trial: false };
    expect(afterSuccess(CHAIN, untimed, T, QUIET)).toEqual({ state: { current: "relay", since: T, trial: false }, move: null, fetcher: "relay" });
  });
});
