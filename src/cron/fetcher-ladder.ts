/**
 * Which fetcher a feed uses, as a small state machine over its site's chain
 * (OLX_FETCHERS, e.g. direct → relay → browser): pure, so every move is
 * testable without a clock or a site. A block moves the feed one step up at
 * once (waiting for a second block would cost every user the block's
 * backoff); a quiet period without a block moves it one step down on trial,
 * and a block during the trial moves it straight back up without telling
 * anyone again. Blocked on the chain's last fetcher, it stays there and the
 * poller backs off as before.
 */
import type { FetcherName } from "../lib/config.ts";

export interface LadderState {
  /** The fetcher in use; null (or one the chain no longer names): the chain's first. */
  current: FetcherName | null;
  /** When the feed last moved or was last refused (ms since epoch): the quiet period runs from here. */
  since: number | null;
  /** One step down on trial: refused now, it goes back up silently. */
  trial: boolean;
}

export const LADDER_START: LadderState = { current: null, since: null, trial: false };

/**
 * What a poll's outcome did: escalated (up, the admin should know), returned
 * (up again after a failed trial), exhausted (refused on the last fetcher),
 * stepped-down (a trial one lower), confirmed (the trial held), or null.
 */
export type LadderMove = "escalated" | "returned" | "exhausted" | "stepped-down" | "confirmed" | null;

export interface LadderStep {
  /** The same object when nothing changed (so the caller writes storage only on a change). */
  state: LadderState;
  move: LadderMove;
  /** The fetcher for the next poll. */
  fetcher: FetcherName;
}

function level(chain: readonly FetcherName[], state: LadderState): number {
  return state.current === null ? 0 : Math.max(0, chain.indexOf(state.current));
}

function at(chain: readonly FetcherName[], index: number): FetcherName {
  return chain[index] ?? chain[0] ?? "direct";
}

/** The fetcher the next poll uses. */
export function currentFetcher(chain: readonly FetcherName[], state: LadderState): FetcherName {
  return at(chain, level(chain, state));
}

/** After the site refused the current fetcher at `now`. */
export function afterBlock(chain: readonly FetcherName[], state: LadderState, now: number): LadderStep {
  const i = level(chain, state);
  if (i + 1 < chain.length) {
    const next = at(chain, i + 1);
    return { state: { current: next, since: now, trial: false }, move: state.trial ? "returned" : "escalated", fetcher: next };
  }
  return { state: { current: at(chain, i), since: now, trial: false }, move: "exhausted", fetcher: at(chain, i) };
}

/** After a poll the site answered, at `now`: a trial holds; a fetcher above the first, quiet for `quietMs`, steps down. */
export function afterSuccess(chain: readonly FetcherName[], state: LadderState, now: number, quietMs: number): LadderStep {
  const i = level(chain, state);
  const fetcher = at(chain, i);
  if (state.trial) return { state: { ...state, trial: false }, move: "confirmed", fetcher };
  if (i === 0) return { state, move: null, fetcher };
  // Above the first without a time (the chain was changed under it): the quiet period starts now.
  if (state.since === null) return { state: { ...state, since: now }, move: null, fetcher };
  if (now - state.since < quietMs) return { state, move: null, fetcher };
  const lower = at(chain, i - 1);
  return { state: { current: lower, since: now, trial: true }, move: "stepped-down", fetcher: lower };
}
