/**
 * Seeded randomness for the simulated world, so a run's world (who searches
 * what, where and when the sites publish) is reproducible from its seed.
 */
import type { Arrival } from "./publisher.ts";

/** mulberry32: a small seeded PRNG; each call gives the next number in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000; // ms

/** Options of {@link poissonArrivals}. */
export interface PoissonOptions<Target> {
  /** Mean publications per day. */
  perDay: number;
  /** From and until when (ms since epoch, until inclusive). */
  from: number;
  until: number;
  random: () => number;
  /** Where each publication goes (drawn with the same `random`). */
  target: (random: () => number) => Partial<Target>;
}

/**
 * Publications at random, independent times at a mean rate (a Poisson
 * process: exponential gaps), ascending. Each falls on a whole second, as the
 * sites' own times are written (OLX's ISO times and Otodom's wall clock have
 * no milliseconds), so a listing's published time as the parser reads it is
 * the time it really appeared.
 */
export function* poissonArrivals<Target>(o: PoissonOptions<Target>): Generator<Arrival<Target>> {
  const meanGapMs = DAY / o.perDay;
  for (let t = o.from; ; ) {
    t += -Math.log(1 - o.random()) * meanGapMs;
    const at = Math.ceil(t / 1000) * 1000;
    if (at > o.until) return;
    yield { at, target: o.target(o.random) };
  }
}
