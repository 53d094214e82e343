import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, it } from "vitest";
import type { Notifier } from "../../src/durable/notifier.ts";
import { telegramFailures } from "../../sim/fake-telegram.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { armedAlarm, drain, notificationRows, notifierFor, runNextAlarm, seedDeliveries, seedRecipient, userRow } from "./seed.ts";

describe("Notifier: one listing", () => {
  it("sends the photo with an escaped caption and a button, then marks the notification sent", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const [delivery] = await seedDeliveries(
      recipient,
      1,
      clock.now,
      () => ({ title: `Mieszkanie <2 pokoje> & "ogród"`, publishedAt: new Date(clock.now - 5 * 60_000).toISOString() }),
      "Mokotów <3000",
    );
    if (!delivery) throw new Error("no delivery");
    const { stub, metrics } = await notifierFor(recipient, clock);

    expect(await stub.deliver(recipient, [delivery])).toEqual({ accepted: 1 });
    expect(await armedAlarm(stub)).toBe(clock.now);
    expect(telegram.messages).toHaveLength(0);

    clock.now += 250; // the alarm ran a little late
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    expect(telegram.messages).toHaveLength(1);
    const [message] = telegram.messages;
    expect(message).toMatchObject({
      method: "sendPhoto",
      chat_id: recipient.chatId,
      photo: delivery.listing.photoUrl,
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ text: "Otwórz ogłoszenie", url: delivery.listing.url }]] },
    });
    expect(message?.caption).toBe(
      [
        "<b>Mieszkanie &lt;2 pokoje&gt; &amp; &quot;ogród&quot;</b>",
        "💰 <b>2 900 zł</b> + czynsz 800 zł",
        "📐 48,5 m² · 2 pokoje",
        "📍 Mokotów, Warszawa",
        "🏷 OLX · dodano 5 min temu",
        "🔎 Wyszukiwanie: Mokotów &lt;3000",
      ].join("\n"),
    );

    const [row] = await notificationRows([delivery.notificationId]);
    expect(row).toMatchObject({ status: "sent", sentAt: clock.now, mock: false, digest: false, error: null });
    expect(metrics).toEqual([
      { stage: "send", source: "olx", city: "Warszawa", outcome: "ok", durationMs: 0, count: 1, e2eMs: 5 * 60_000 + 250 },
    ]);
    // Nothing left: no alarm.
    expect(await armedAlarm(stub)).toBeNull();
    expect(await stub.inspect()).toMatchObject({ counts: { queued: 0, sent: 1 }, alarmAt: null });
  });
});
