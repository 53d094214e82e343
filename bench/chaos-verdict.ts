/**
 * A chaos scenario's figures and pass rule, from what its run collected. Pure
 * (no files, no clock), so the rule is tested on hand-built inputs
 * (bench/chaos-verdict.test.ts).
 *
 * - lost: expected notifications never delivered, except those of a chat that
 *   blocked the bot (a user who blocked the bot loses only their own);
 * - duplicates: extra copies of any (chat, listing), judged against
 *   unknown_outcomes, the sends the fake Telegram accepted and whose answer it
 *   then dropped (the Bot API has no idempotency key: a retry of such a send is
 *   the one honest source of a duplicate);
 * - max_extra_delay_ms: the slowest delivery (published → accepted) beyond
 *   the slowest one of the control run (the same world, same seed, no
 *   fault): what the fault cost on top of the world's normal worst case.
 *
 * Passes when lost = 0, unexpected = 0, duplicates ≤ unknown_outcomes and
 * max_extra_delay_ms ≤ fault_ms + one poll interval.
 */
import type { FakeTelegramMessage } from "../sim/fake-telegram.ts";
import { type Delivery, deliveredPairs, indexByUrl } from "./analyse.ts";
import type { Published } from "./seed.ts";

export interface ChaosInput {
  published: readonly Published[];
  baseline: readonly Published[];
  expected: ReadonlySet<string>;
  /** (chat, flat) pairs a search matches only at a dropped price: a card for one is neither owed nor unexpected (analyse.ts matchedAfterDrop). */
  tolerated: ReadonlySet<string>;
  messages: readonly FakeTelegramMessage[];
  /** Chats whose user blocked the bot during the run: their own undelivered notifications are not lost. */
  blockedChats: ReadonlySet<number>;
  unknownOutcomes: number;
  /** The control run's slowest delivery (ms); null: this is the control run (its own is the reference). */
  referenceMaxDelayMs: number | null;
  /** How long the fault lasted (ms; 0 for a single bad page or answer). */
  faultMs: number;
  /** The slowest poll interval of the sites the fault touched (ms). */
  intervalMs: number;
}

export interface ChaosFigures {
  expected: number;
  delivered: number;
  lost: number;
  /** The lost ones by the site of their listing, and the first few of them (chat|listing). */
  lost_by_source: Record<string, number>;
  lost_sample: string[];
  duplicates: number;
  unknown_outcomes: number;
  unexpected: number;
  max_extra_delay_ms: number;
  /** The control run's slowest delivery, the reference of max_extra_delay_ms. */
  reference_max_delay_ms: number | null;
  max_delay_ms: number | null;
  fault_ms: number;
  interval_ms: number;
  /** Delivered to chats that blocked the bot (before they did). */
  delivered_to_blocked: number;
  ok: boolean;
  failures: string[];
}

export function chaosFigures(input: ChaosInput): ChaosFigures {
  const got = deliveredPairs(input.messages, indexByUrl(input.published, input.baseline));
  const chatOf = (pair: string) => Number(pair.split("|")[0]);
  const owed = [...input.expected].filter((pair) => !input.blockedChats.has(chatOf(pair)));
  const delivered = owed.filter((pair) => got.has(pair)).length;
  const deliveredToBlocked = [...input.expected].filter((pair) => input.blockedChats.has(chatOf(pair)) && got.has(pair)).length;
  let duplicates = 0;
  let unexpected = 0;
  const delays: number[] = [];
  for (const [pair, copies] of got) {
    duplicates += copies.length - 1;
    if (!input.expected.has(pair)) {
      if (!input.tolerated.has(pair)) unexpected++;
      continue;
    }
    const first = copies[0] as Delivery;
    delays.push(first.at - first.listing.publishedAt);
  }
  const worst = delays.length ? Math.max(...delays) : null;
  const reference = input.referenceMaxDelayMs ?? worst;
  const extra = worst === null || reference === null ? 0 : Math.max(0, worst - reference);
  const lostPairs = owed.filter((pair) => !got.has(pair));
  const lost = lostPairs.length;
  const lostBySource: Record<string, number> = {};
  for (const pair of lostPairs) {
    const source = pair.split("|")[1]?.split(":")[0] ?? "?";
    lostBySource[source] = (lostBySource[source] ?? 0) + 1;
  }
  const failures: string[] = [];
  if (lost) failures.push(`${lost} lost`);
  if (unexpected) failures.push(`${unexpected} unexpected`);
  if (duplicates > input.unknownOutcomes) failures.push(`${duplicates} duplicates, more than the ${input.unknownOutcomes} unknown outcomes`);
  if (extra > input.faultMs + input.intervalMs) failures.push(`max extra delay ${extra} ms > fault ${input.faultMs} ms + interval ${input.intervalMs} ms`);
  if (input.expected.size === 0) failures.push("nothing was expected");
  return {
    expected: owed.length,
    delivered,
    lost,
    lost_by_source: lostBySource,
    lost_sample: lostPairs.slice(0, 5),
    duplicates,
    unknown_outcomes: input.unknownOutcomes,
    unexpected,
    max_extra_delay_ms: extra,
    reference_max_delay_ms: reference,
    max_delay_ms: worst,
    fault_ms: input.faultMs,
    interval_ms: input.intervalMs,
    delivered_to_blocked: deliveredToBlocked,
    ok: failures.length === 0,
    failures,
  };
}
