import assert from "node:assert/strict";
import { test } from "node:test";
import type { FakeTelegramMessage } from "../sim/fake-telegram.ts";
import { type ChaosInput, chaosFigures } from "./chaos-verdict.ts";
import { publishedListing } from "./published.test-helper.ts";

// The fault begins at T; publication began 8 s before.
const T = 1_700_000_000_000;
const A = 500_001;
const B = 500_002;
const early = publishedListing("olx", 1, T - 8_000);
const late = publishedListing("otodom", 2, T + 1_000);

let id = 0;
const sent = (chat: number, l: typeof early, at: number): FakeTelegramMessage => ({
  message_id: ++id,
  chat_id: chat,
  method: "sendMessage",
  text: null,
  caption: null,
  photo: null,
  parse_mode: "HTML",
  reply_markup: { inline_keyboard: [[{ text: "open", url: l.source === "olx" ? `https://www.olx.pl/d/oferta/m-CID3-ID${l.urlId}.html` : `https://www.otodom.pl/pl/oferta/m-ID${l.urlId}` }]] },
  link_preview_options: null,
  at,
});

const input = (messages: FakeTelegramMessage[], more: Partial<ChaosInput> = {}): ChaosInput => ({
  published: [early, late],
  baseline: [],
  expected: new Set([`${A}|${early.key}`, `${B}|${early.key}`, `${A}|${late.key}`, `${B}|${late.key}`]),
  tolerated: new Set(),
  messages,
  blockedChats: new Set(),
  unknownOutcomes: 0,
  referenceMaxDelayMs: 3_000,
  faultMs: 10_000,
  intervalMs: 5_000,
  ...more,
});

test("measures the extra delay against the control run's slowest delivery, and passes within fault + interval", () => {
  const f = chaosFigures(input([sent(A, early, T - 6_000), sent(B, early, T - 5_000), sent(A, late, T + 15_000), sent(B, late, T + 17_000)]));
  assert.equal(f.reference_max_delay_ms, 3_000);
  assert.equal(f.max_delay_ms, 16_000);
  assert.equal(f.max_extra_delay_ms, 13_000);
  assert.deepEqual([f.expected, f.delivered, f.lost, f.duplicates], [4, 4, 0, 0]);
  assert.equal(f.ok, true);
});

test("fails a delivery later than fault + interval, a lost one, and duplicates beyond the unknown outcomes", () => {
  const slow = chaosFigures(input([sent(A, early, T - 6_000), sent(B, early, T - 6_000), sent(A, late, T + 30_000), sent(B, late, T + 2_000)]));
  assert.equal(slow.ok, false);
  assert.match(slow.failures.join(), /max extra delay 26000 ms > fault 10000 ms \+ interval 5000 ms/);

  const lost = chaosFigures(input([sent(A, early, T - 6_000), sent(B, early, T - 6_000), sent(A, late, T + 3_000)]));
  assert.deepEqual([lost.lost, lost.lost_by_source, lost.ok], [1, { otodom: 1 }, false]);

  const twice = [sent(A, early, T - 6_000), sent(B, early, T - 6_000), sent(A, late, T + 3_000), sent(A, late, T + 4_000), sent(B, late, T + 3_000)];
  assert.equal(chaosFigures(input(twice)).ok, false);
  const honest = chaosFigures(input(twice, { unknownOutcomes: 1 }));
  assert.deepEqual([honest.duplicates, honest.unknown_outcomes, honest.ok], [1, 1, true]);
});

test("the control run is its own reference: no extra delay", () => {
  const f = chaosFigures(input([sent(A, early, T - 6_000), sent(B, early, T - 5_000), sent(A, late, T + 15_000), sent(B, late, T + 17_000)], { referenceMaxDelayMs: null }));
  assert.deepEqual([f.max_extra_delay_ms, f.reference_max_delay_ms, f.ok], [0, 16_000, true]);
});

test("a user who blocked the bot loses only their own", () => {
  const f = chaosFigures(input([sent(A, early, T - 6_000), sent(B, early, T - 6_000), sent(A, late, T + 3_000)], { blockedChats: new Set([B]) }));
  assert.deepEqual([f.expected, f.delivered, f.lost, f.delivered_to_blocked, f.ok], [2, 2, 0, 1, true]);
});

test("a card a price drop made due is not unexpected; any other card nobody expected is", () => {
  const C = 500_003;
  const cards = [sent(A, early, T - 6_000), sent(B, early, T - 6_000), sent(A, late, T + 3_000), sent(B, late, T + 3_000), sent(C, late, T + 4_000)];
  assert.deepEqual([chaosFigures(input(cards)).unexpected, chaosFigures(input(cards)).ok], [1, false]);
  const afterDrop = chaosFigures(input(cards, { tolerated: new Set([`${C}|${late.key}`]) }));
  assert.deepEqual([afterDrop.unexpected, afterDrop.ok], [0, true]);
});
