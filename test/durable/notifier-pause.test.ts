import { describe, it } from "vitest";
import type { Delivery } from "../../src/model/delivery.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import {
  HOUR,
  NIGHT,
  nextSendAt,
  drain,
  handedOver,
  heldOvernight,
  lateEvening,
  notificationRows,
  notifierFor,
  runNextSend,
  seedDeliveries,
  seedRecipient,
} from "./seed.ts";

/** The same deliveries, matched by the given saved search. */
const bySearch = (deliveries: Delivery[], searchId: number) => deliveries.map((d) => ({ ...d, searchId }));

/** Digest lines (one per listing) long enough that 120 of them need several messages. */
const longDistricts = (i: number) => ({ district: `Dzielnica ${i} ${"x".repeat(60)}`, price: 100_000 + i });

/** The notifications' D1 status and error, in id order. */
async function statuses(deliveries: readonly Delivery[]) {
  return (await notificationRows(deliveries.map((d) => d.notificationId))).map((r) => [r.status, r.error]);
}

describe("Notifier.pause", () => {
  it("drops what waits out the quiet hours: nothing goes in the morning", async ({ expect }) => {
    const clock = testClock();
    const { telegram, deliveries, stub, morning } = await heldOvernight(clock);
    expect(await nextSendAt(stub)).toBe(morning);

    expect(await stub.pause()).toEqual({ dropped: 3 });
    expect(await nextSendAt(stub)).toBeNull();
    clock.now = morning + HOUR;
    expect(await drain(stub, clock)).toEqual([]);
    expect(telegram.calls).toHaveLength(0);
    expect(await statuses(deliveries)).toEqual(Array(3).fill(["dropped", "paused"]));
    expect(await stub.inspect()).toMatchObject({ counts: { queued: 0, dropped: 3 }, paused: true });
  });

  it("drops the rest of a digest being sent in parts", async ({ expect }) => {
    const clock = testClock();
    const { telegram, deliveries, stub } = await handedOver(clock, 120, {}, longDistricts);
    await runNextSend(stub, clock);
    expect(telegram.messages).toHaveLength(1);
    const listed = [...(telegram.messages[0]?.text ?? "").matchAll(/<a href=/g)].length;
    expect(listed).toBeLessThan(120);

    expect(await stub.pause()).toEqual({ dropped: 120 - listed });
    expect(await drain(stub, clock)).toEqual([]);
    expect(telegram.messages).toHaveLength(1);
    const rows = await statuses(deliveries);
    expect(rows.slice(0, listed).every(([status]) => status === "sent")).toBe(true);
    expect(rows.slice(listed)).toEqual(Array(120 - listed).fill(["dropped", "paused"]));
  });

  it("drops what is paced behind the chat's 1 s gap", async ({ expect }) => {
    const clock = testClock();
    const { telegram, deliveries, stub } = await handedOver(clock, 5, { digestThreshold: 100 });
    await runNextSend(stub, clock);
    expect(telegram.messages).toHaveLength(1);

    expect(await stub.pause()).toEqual({ dropped: 4 });
    expect(await drain(stub, clock)).toEqual([]);
    expect(telegram.messages).toHaveLength(1);
    expect((await statuses(deliveries)).slice(1)).toEqual(Array(4).fill(["dropped", "paused"]));
  });

  it("accepts nothing while paused, not even a batch that raced the pause; after resume() new matches go out", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const [raced, fresh] = [await seedDeliveries(recipient, 2, clock.now), await seedDeliveries(recipient, 1, clock.now)];
    const { stub } = await notifierFor(recipient, clock);
    expect(await stub.pause()).toEqual({ dropped: 0 });

    expect((await stub.deliver(recipient, raced)).accepted).toBe(0);
    expect(await nextSendAt(stub)).toBeNull();
    expect(await drain(stub, clock)).toEqual([]);
    expect(telegram.calls).toHaveLength(0);
    expect(await statuses(raced)).toEqual(Array(2).fill(["dropped", "paused"]));

    await stub.resume();
    expect(await stub.inspect()).toMatchObject({ paused: false });
    // What was dropped stays dropped, even handed over again.
    expect((await stub.deliver(recipient, raced)).accepted).toBe(0);
    expect((await stub.deliver(recipient, fresh)).accepted).toBe(1);
    await drain(stub, clock);
    expect(telegram.messages.map((m) => m.photo)).toEqual(fresh.map((d) => d.listing.photoUrl));
    expect(await statuses(fresh)).toEqual([["sent", null]]);
  });
});

describe("Notifier.dropSearches", () => {
  it("drops the queued rows of the removed search only", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient({ digestThreshold: 100 });
    const removed = bySearch(await seedDeliveries(recipient, 2, clock.now), 11);
    const kept = bySearch(await seedDeliveries(recipient, 2, clock.now), 12);
    const { stub } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, [removed[0], kept[0], removed[1], kept[1]].filter((d) => d !== undefined));

    expect(await stub.dropSearches([11, 13])).toEqual({ dropped: 2 });
    await drain(stub, clock);
    expect(telegram.messages.map((m) => m.photo)).toEqual(kept.map((d) => d.listing.photoUrl));
    expect(await statuses(removed)).toEqual(Array(2).fill(["dropped", "search_removed"]));
    expect(await statuses(kept)).toEqual(Array(2).fill(["sent", null]));
    expect(await stub.dropSearches([11, 12])).toEqual({ dropped: 0 });
  });

  it("drops a removed search's rows from a digest in progress, and the later parts count without them", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient({ language: "en" });
    const deliveries = (await seedDeliveries(recipient, 120, clock.now, longDistricts)).map((d, i) => ({ ...d, searchId: i % 3 === 0 ? 21 : 22 }));
    const { stub } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, deliveries);
    await runNextSend(stub, clock);
    const listed = [...(telegram.messages[0]?.text ?? "").matchAll(/<a href=/g)].length;
    const rest = deliveries.slice(listed);
    const dropped = rest.filter((d) => d.searchId === 21);
    expect(dropped.length).toBeGreaterThan(0);

    expect(await stub.dropSearches([21])).toEqual({ dropped: dropped.length });
    await drain(stub, clock);
    const later = telegram.messages.slice(1).map((m) => m.text ?? "");
    expect(later.length).toBeGreaterThan(0);
    const links = later.flatMap((t) => [...t.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1]));
    expect(links).toEqual(rest.filter((d) => d.searchId === 22).map((d) => d.listing.url));
    // The parts go on from where the first stopped and end at the digest's new size.
    const total = 120 - dropped.length;
    expect(later[0]).toMatch(new RegExp(`^📬 <b>${total} new listings</b> \\(${listed + 1}–`));
    expect(later.at(-1)).toMatch(new RegExp(`^📬 <b>${total} new listings</b> \\(\\d+–${total}\\)`));
    expect(await statuses(dropped)).toEqual(Array(dropped.length).fill(["dropped", "search_removed"]));
  });
});

describe("Notifier.updateRecipient", () => {
  it("writes a queued message in the new language", async ({ expect }) => {
    const clock = testClock();
    const { telegram, recipient, stub } = await handedOver(clock, 2, { language: "pl", digestThreshold: 100 });
    await runNextSend(stub, clock);
    expect(telegram.messages[0]?.caption).toContain("dodano");

    await stub.updateRecipient({ ...recipient, language: "en" });
    await drain(stub, clock);
    expect(telegram.messages).toHaveLength(2);
    expect(telegram.messages[1]?.caption).toContain("published");
    expect(telegram.messages[1]?.reply_markup).toMatchObject({ inline_keyboard: [[{ text: "Open listing" }]] });
  });

  it("holds what is queued when new quiet hours begin, and sends it as one digest when they end", async ({ expect }) => {
    const clock = testClock();
    clock.now = lateEvening(clock.now);
    const { telegram, recipient, stub } = await handedOver(clock, 3, { digestThreshold: 100 });
    expect(await nextSendAt(stub)).toBe(clock.now);

    await stub.updateRecipient({ ...recipient, quietHours: NIGHT });
    const morning = clock.now + 7.5 * HOUR; // 06:00 UTC = 07:00 CET
    expect(await nextSendAt(stub)).toBe(morning);
    await drain(stub, clock);
    expect(telegram.messages.map((m) => [m.method, m.at])).toEqual([["sendMessage", morning]]);
    expect(telegram.messages[0]?.text?.split("\n")[0]).toBe("📬 <b>3 nowe ogłoszenia</b>");
  });
});
