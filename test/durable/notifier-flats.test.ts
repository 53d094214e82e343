import { describe, it } from "vitest";
import type { Delivery } from "../../src/model/delivery.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { HOUR, NIGHT, drain, lateEvening, nextSendAt, notificationRows, notifierFor, seedDeliveries, seedRecipient } from "./seed.ts";

/** One flat, three ads: the OLX ad first, an OLX repost of it, and its Otodom cross-post. */
const FLAT = "olx:first-ad";

describe("Notifier: one message per flat", () => {
  it("adds a dearer repost to the card's buttons, silently, and merges a repeat of a told link", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const [first, repost] = await seedDeliveries(recipient, 2, clock.now, (i) => ({ flatKey: FLAT, price: i === 0 ? 2900 : 2950 }), "Mokotów");
    if (!first || !repost) throw new Error("no deliveries");
    const withSearch = (d: Delivery): Delivery => ({ ...d, searchId: 41 });
    const { stub, metrics } = await notifierFor(recipient, clock);

    await stub.deliver(recipient, [withSearch(first)]);
    await drain(stub, clock);
    clock.now += 60_000;
    // Dearer, same site: no notification, but the user should be able to open the new ad from the card.
    await stub.deliver(recipient, [withSearch(repost)]);
    await drain(stub, clock);

    expect(telegram.messages).toHaveLength(1);
    const cardId = telegram.messages[0]?.message_id;
    expect(telegram.edits).toEqual([
      {
        method: "editMessageReplyMarkup",
        chat_id: recipient.chatId,
        message_id: cardId,
        text: null,
        reply_markup: {
          inline_keyboard: [
            [{ text: "Otwórz ogłoszenie", url: first.listing.url }],
            [{ text: "OLX · 2 950 zł", url: repost.listing.url }],
            [{ text: "🔕 Wycisz to wyszukiwanie", callback_data: "m:41" }],
          ],
        },
      },
    ]);
    const rows = await notificationRows([first.notificationId, repost.notificationId]);
    expect(rows.map((r) => r.status)).toEqual(["sent", "merged"]);
    expect(rows[1]?.sentAt).toBe(clock.now);
    expect(metrics.filter((m) => m.stage === "follow_up").map((m) => m.outcome)).toEqual(["buttons"]);

    // The same ad again under another notification (a second search of a shared group, say): nothing at all.
    const [again] = await seedDeliveries(recipient, 1, clock.now, () => ({ flatKey: FLAT, url: repost.listing.url, price: 2950 }));
    if (!again) throw new Error("no delivery");
    expect(await stub.deliver(recipient, [again])).toEqual({ accepted: 0, next: null });
    expect(telegram.edits).toHaveLength(1);
    expect((await notificationRows([again.notificationId]))[0]?.status).toBe("merged");
    expect((await stub.inspect()).counts).toMatchObject({ sent: 2, merged: 1, queued: 0 });
  });

  it("takes a refused edit (the user deleted the card) as merged, with no alert", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    telegram.failNext(1, { error_code: 400, description: "Bad Request: message to edit not found", methods: ["editMessageReplyMarkup"] });
    const recipient = await seedRecipient();
    const [first, repost] = await seedDeliveries(recipient, 2, clock.now, () => ({ flatKey: FLAT }));
    if (!first || !repost) throw new Error("no deliveries");
    const { stub } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, [first]);
    await drain(stub, clock);
    await stub.deliver(recipient, [repost]);
    await drain(stub, clock);
    expect((await notificationRows([repost.notificationId]))[0]?.status).toBe("merged");
    expect(telegram.calls.map((c) => [c.method, c.ok])).toEqual([
      ["sendPhoto", true],
      ["editMessageReplyMarkup", false],
    ]);
    expect(telegram.messages).toHaveLength(1);
  });

  it("answers the first message when a later ad is cheaper by the threshold, or on another site", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const [first, cheaper, crossPost] = await seedDeliveries(recipient, 3, clock.now, (i) => ({
      flatKey: FLAT,
      price: [3000, 2850, 2850][i] ?? null,
      ...(i === 2 ? { source: "otodom" as const, url: "https://www.otodom.pl/pl/oferta/mieszkanie-ID4abc" } : {}),
    }));
    if (!first || !cheaper || !crossPost) throw new Error("no deliveries");
    const { stub } = await notifierFor(recipient, clock);

    await stub.deliver(recipient, [first]);
    await drain(stub, clock);
    const firstId = telegram.messages[0]?.message_id;
    await stub.deliver(recipient, [cheaper]);
    await drain(stub, clock);
    await stub.deliver(recipient, [crossPost]);
    await drain(stub, clock);

    expect(telegram.messages).toHaveLength(3);
    const [, drop, site] = telegram.messages;
    expect(drop).toMatchObject({ method: "sendMessage", reply_to: firstId });
    expect(drop?.text?.split("\n")[0]).toBe("📉 <b>Cena spadła: 3 000 zł → 2 850 zł (−5 %)</b>");
    expect(drop?.text).toContain(`<a href="${cheaper.listing.url}">`);
    expect(drop?.reply_markup).toEqual({ inline_keyboard: [[{ text: "Otwórz ogłoszenie", url: cheaper.listing.url }]] });
    // Same price as told last (2 850), another site: said as such, price and all.
    expect(site).toMatchObject({ reply_to: firstId });
    expect(site?.text?.split("\n")[0]).toBe("🔗 <b>Również na Otodom</b>: <b>2 850 zł</b> + czynsz 800 zł");
    const rows = await notificationRows([first.notificationId, cheaper.notificationId, crossPost.notificationId]);
    expect(rows.map((r) => r.status)).toEqual(["sent", "merged", "merged"]);
  });

  it("sends a price update once when it drops by the user's threshold; rises and small drops are not sent", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = { ...(await seedRecipient()), priceDropPct: 5 };
    const [first] = await seedDeliveries(recipient, 1, clock.now, () => ({ flatKey: FLAT, price: 3000 }));
    if (!first) throw new Error("no delivery");
    const { stub } = await notifierFor(recipient, clock);
    const update = (price: number): Delivery => ({ ...first, notificationId: 0, priceUpdate: true, listing: { ...first.listing, price } });

    await stub.deliver(recipient, [first]);
    await drain(stub, clock);
    for (const price of [2900, 3300, 3000, 2850, 2850, 2849]) {
      // 2 900: −3.3 %, under this user's 5 %; 3 300: a rise; 3 000: back to what was told;
      // 2 850: −5 %, sent; 2 850 again (a redelivered batch): nothing; 2 849: −0.04 % of 2 850.
      clock.now += 60_000;
      await stub.deliver(recipient, [update(price)]);
      await drain(stub, clock);
    }
    expect(telegram.messages.map((m) => m.text?.split("\n")[0] ?? m.caption?.split("\n")[0])).toEqual([
      expect.stringContaining("<b>Mieszkanie"),
      "📉 <b>Cena spadła: 3 000 zł → 2 850 zł (−5 %)</b>",
    ]);
    // A price update has no notifications row: the card's stays sent.
    expect((await notificationRows([first.notificationId]))[0]?.status).toBe("sent");
  });

  it("says nothing of a price update of a flat the chat was never told of", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const [other] = await seedDeliveries(recipient, 1, clock.now, () => ({ flatKey: "olx:never-sent", price: 2000 }));
    if (!other) throw new Error("no delivery");
    const { stub } = await notifierFor(recipient, clock);
    expect(await stub.deliver(recipient, [{ ...other, notificationId: 0, priceUpdate: true }])).toEqual({ accepted: 0, next: null });
    expect(telegram.messages).toHaveLength(0);
  });

  it("lists a flat once in a digest; its other ads follow as replies or are merged", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = { ...(await seedRecipient()), digestThreshold: 2 };
    // Four ads, two flats: A (OLX), A's Otodom cross-post, B, B's dearer repost.
    const deliveries = await seedDeliveries(recipient, 4, clock.now, (i) => ({
      flatKey: i < 2 ? "flat:A" : "flat:B",
      price: [3000, 3000, 2500, 2600][i] ?? null,
      ...(i === 1 ? { source: "otodom" as const } : {}),
    }));
    const { stub } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, deliveries);
    await drain(stub, clock);

    const [digest, ...rest] = telegram.messages;
    expect(digest?.text).toContain("📬 <b>2 nowe ogłoszenia</b>");
    expect(digest?.text?.match(/^• /gm)).toHaveLength(2);
    expect(rest.map((m) => ({ first: m.text?.split("\n")[0], replyTo: m.reply_to }))).toEqual([
      { first: "🔗 <b>Również na Otodom</b>: <b>3 000 zł</b> + czynsz 800 zł", replyTo: digest?.message_id },
    ]);
    const rows = await notificationRows(deliveries.map((d) => d.notificationId));
    expect(rows.map((r) => r.status)).toEqual(["sent", "merged", "sent", "merged"]);
  });

  it("remembers a told flat past the outbox's day, and forgets it after 90 days", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const [first, weekLater, quarterLater] = await seedDeliveries(recipient, 3, clock.now, () => ({ flatKey: FLAT }));
    if (!first || !weekLater || !quarterLater) throw new Error("no deliveries");
    const { stub } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, [first]);
    await drain(stub, clock);
    clock.now += 7 * 24 * 3_600_000;
    await stub.deliver(recipient, [weekLater]);
    await drain(stub, clock);
    expect(telegram.messages).toHaveLength(1);
    clock.now += 91 * 24 * 3_600_000;
    await stub.deliver(recipient, [quarterLater]);
    await drain(stub, clock);
    expect(telegram.messages).toHaveLength(2);
  });

  it("keeps a price drop that came in the quiet hours for their end, as a reply, not a digest", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient({ quietHours: NIGHT });
    const [first] = await seedDeliveries(recipient, 1, clock.now, () => ({ flatKey: FLAT, price: 3000 }));
    if (!first) throw new Error("no delivery");
    const { stub } = await notifierFor(recipient, clock);
    clock.now = lateEvening(clock.now) - 2 * HOUR; // 21:30 in Warsaw
    await stub.deliver(recipient, [first]);
    await drain(stub, clock);
    clock.now += 2 * HOUR; // 23:30: quiet
    await stub.deliver(recipient, [{ ...first, notificationId: 0, priceUpdate: true, listing: { ...first.listing, price: 2700 } }]);
    const morning = clock.now + 7.5 * HOUR;
    expect(await nextSendAt(stub)).toBe(morning);
    await drain(stub, clock);
    expect(telegram.messages.map((m) => [m.at, m.reply_to])).toEqual([
      [morning - 9.5 * HOUR, null],
      [morning, telegram.messages[0]?.message_id],
    ]);
    expect(telegram.messages[1]?.text).toContain("📉");
  });
});
