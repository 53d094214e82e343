import { evictDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { UNKNOWN_OUTCOME_RETRY_MS } from "../../src/durable/pacing.ts";
import { quietWindowEnd } from "../../src/model/recipient.ts";
import { telegramFailures } from "../../sim/fake-telegram.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import {
  HOUR,
  NIGHT as QUIET,
  nextSendAt,
  drain,
  heldOvernight,
  notificationRows,
  notifierFor,
  runNextSend,
  seedDeliveries,
  seedRecipient,
  userRow,
} from "./seed.ts";

describe("Notifier: one listing", () => {
  it("sends the photo with an escaped caption and a button, then marks the notification sent", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const [delivery] = await seedDeliveries(
      recipient,
      1,
      clock.now,
      () => ({ title: `Mieszkanie <2 pokoje> & "ogród"`, publishedAt: clock.now - 5 * 60_000 }),
      "Mokotów <3000",
    );
    if (!delivery) throw new Error("no delivery");
    const { stub, metrics } = await notifierFor(recipient, clock);

    expect(await stub.deliver(recipient, [delivery])).toEqual({ accepted: 1, next: { readyAt: clock.now, lane: "steady" } });
    expect(telegram.messages).toHaveLength(0);

    clock.now += 250; // the grant came a little late
    const report = await stub.sendNext({ paid: false });
    expect(report).toEqual({ answeredAt: clock.now, next: null, holdAllUntil: null });

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
    expect(await nextSendAt(stub)).toBeNull();
    expect(await stub.inspect()).toMatchObject({ counts: { queued: 0, sent: 1 }, next: null });
  });
});

describe("Notifier: repeated hand-over", () => {
  it("never sends the same notification twice, before or after it was sent, across evictions", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const deliveries = await seedDeliveries(recipient, 2, clock.now);
    const { stub } = await notifierFor(recipient, clock);

    expect((await stub.deliver(recipient, deliveries)).accepted).toBe(2);
    expect((await stub.deliver(recipient, deliveries)).accepted).toBe(0);
    await drain(stub, clock);
    expect(telegram.messages).toHaveLength(2);

    // The queue redelivers the batch after the sends: ignored, no alarm armed.
    clock.now += 60_000;
    expect((await stub.deliver(recipient, deliveries)).accepted).toBe(0);
    expect(await nextSendAt(stub)).toBeNull();

    // The memory is durable: a fresh instance still knows them.
    await evictDurableObject(stub);
    const again = await notifierFor(recipient, clock);
    expect((await again.stub.deliver(recipient, [...deliveries].reverse())).accepted).toBe(0);
    expect(await drain(again.stub, clock)).toEqual([]);
    expect(telegram.messages.map((m) => m.caption?.split("\n")[0])).toEqual(
      deliveries.map((d) => `<b>${d.listing.title}</b>`),
    );
  });
});

describe("Notifier: 429", () => {
  it("waits retry_after, then sends once; an early grant sends nothing; the whole bot is held", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    telegram.failNext(1, telegramFailures.tooManyRequests(7));
    const recipient = await seedRecipient();
    const deliveries = await seedDeliveries(recipient, 1, clock.now);
    const { stub, metrics } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, deliveries);

    const t0 = clock.now;
    const report = await stub.sendNext({ paid: false });
    expect(telegram.calls.map((c) => c.error_code)).toEqual([429]);
    expect(telegram.messages).toHaveLength(0);
    expect(report.holdAllUntil).toBe(t0 + 7000);
    const retryAt = await nextSendAt(stub);
    expect(retryAt).toBeGreaterThanOrEqual(t0 + 7000);
    expect(report.next?.readyAt).toBe(retryAt);

    // A grant that comes early (or twice) finds the chat still on hold.
    clock.now = t0 + 3000;
    expect(await stub.sendNext({ paid: false })).toEqual({ answeredAt: null, next: { readyAt: retryAt, lane: "steady" }, holdAllUntil: null });
    expect(telegram.calls).toHaveLength(1);

    await drain(stub, clock);
    expect(telegram.messages).toHaveLength(1);
    expect(telegram.messages[0]?.at).toBeGreaterThanOrEqual(t0 + 7000);
    expect(telegram.calls).toHaveLength(2);
    const [row] = await notificationRows(deliveries.map((d) => d.notificationId));
    expect(row).toMatchObject({ status: "sent", sentAt: telegram.messages[0]?.at });
    expect(metrics.map((m) => [m.stage, m.outcome])).toEqual([
      ["send_error", "429"],
      ["send", "ok"],
    ]);
  });
});

describe("Notifier: pacing", () => {
  it("puts 20 queued messages at least 1 s apart (threshold raised, so no digest)", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const deliveries = await seedDeliveries(recipient, 20, clock.now);
    const { stub } = await notifierFor(recipient, clock, (n) => {
      n.digestThreshold = 100;
    });
    await stub.deliver(recipient, deliveries);

    const schedule = await drain(stub, clock);
    expect(telegram.messages).toHaveLength(20);
    expect(telegram.calls.every((c) => c.ok)).toBe(true); // the fake's per-chat limit never tripped
    const sentAt = telegram.messages.map((m) => m.at);
    for (let i = 1; i < sentAt.length; i++) expect((sentAt[i] ?? 0) - (sentAt[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000);
    for (let i = 1; i < schedule.length; i++) expect((schedule[i] ?? 0) - (schedule[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000);
    // Oldest first, each on its own.
    expect(telegram.messages.map((m) => m.photo)).toEqual(deliveries.map((d) => d.listing.photoUrl));
    const rows = await notificationRows(deliveries.map((d) => d.notificationId));
    expect(rows.every((r) => r.status === "sent" && !r.digest)).toBe(true);
  });

  it("keeps 1 s between sends while deliveries trickle in below the threshold, whenever grants come", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const deliveries = await seedDeliveries(recipient, 20, clock.now);
    const { stub } = await notifierFor(recipient, clock);

    // One new match every 700 ms; grants come when due, and also right after
    // every hand-over (an early grant must not send early).
    const start = clock.now;
    let next = 0;
    while (next < deliveries.length || (await nextSendAt(stub)) !== null) {
      const arrival = next < deliveries.length ? start + next * 700 : Number.POSITIVE_INFINITY;
      const due = (await nextSendAt(stub)) ?? Number.POSITIVE_INFINITY;
      if (arrival <= due) {
        clock.now = Math.max(clock.now, arrival);
        const delivery = deliveries[next++];
        if (delivery) await stub.deliver(recipient, [delivery]);
        await stub.sendNext({ paid: false });
      } else {
        await runNextSend(stub, clock);
      }
    }

    expect(telegram.messages).toHaveLength(20);
    expect(telegram.messages.every((m) => m.method === "sendPhoto")).toBe(true);
    expect(telegram.calls.every((c) => c.ok)).toBe(true);
    const sentAt = telegram.messages.map((m) => m.at);
    for (let i = 1; i < sentAt.length; i++) expect((sentAt[i] ?? 0) - (sentAt[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000);
  });
});

describe("Notifier: digest", () => {
  it("sends one digest instead of a burst when more than the threshold are queued", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const deliveries = await seedDeliveries(recipient, 15, clock.now, (i) => ({ price: 2000 + i }));
    const { stub } = await notifierFor(recipient, clock); // default threshold: 10
    await stub.deliver(recipient, deliveries);
    await drain(stub, clock);

    expect(telegram.messages).toHaveLength(1);
    const [digest] = telegram.messages;
    expect(digest?.method).toBe("sendMessage");
    const lines = digest?.text?.split("\n") ?? [];
    expect(lines[0]).toBe("📬 <b>15 nowych ogłoszeń</b>");
    expect(lines.filter((l) => l.startsWith("• "))).toHaveLength(15);
    expect(lines[2]).toBe(
      `• <b>2 000 zł</b> · 48,5 m² · 2 pokoje · Mokotów · <a href="${deliveries[0]?.listing.url}">OLX</a>`,
    );
    const rows = await notificationRows(deliveries.map((d) => d.notificationId));
    expect(rows.every((r) => r.status === "sent" && r.digest && r.sentAt === digest?.at)).toBe(true);
  });

  it("sends exactly the threshold one by one", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const deliveries = await seedDeliveries(recipient, 10, clock.now);
    const { stub } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, deliveries);
    await drain(stub, clock);
    expect(telegram.messages.map((m) => m.method)).toEqual(Array(10).fill("sendPhoto"));
  });

  it("splits a long digest into messages under 4096 characters, 1 s apart, covering every listing once", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient({ language: "en" });
    const deliveries = await seedDeliveries(recipient, 120, clock.now, (i) => ({
      district: `Dzielnica <${i}> & "okolice" ${"x".repeat(40)}`,
      price: 100_000 + i,
    }));
    const { stub } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, deliveries);
    await drain(stub, clock);

    expect(telegram.messages.length).toBeGreaterThan(1);
    expect(telegram.calls.every((c) => c.ok)).toBe(true); // valid HTML, within limits
    const texts = telegram.messages.map((m) => m.text ?? "");
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(4096);
    const links = texts.flatMap((t) => [...t.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1]));
    expect(links).toEqual(deliveries.map((d) => d.listing.url));
    expect(texts[0]?.startsWith("📬 <b>120 new listings</b> (1–")).toBe(true);
    expect(texts.at(-1)).toMatch(/^📬 <b>120 new listings<\/b> \(\d+–120\)/);
    const sentAt = telegram.messages.map((m) => m.at);
    for (let i = 1; i < sentAt.length; i++) expect((sentAt[i] ?? 0) - (sentAt[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000);
    const rows = await notificationRows(deliveries.map((d) => d.notificationId));
    expect(rows.every((r) => r.status === "sent" && r.digest)).toBe(true);
  });
});

describe("Notifier: 403", () => {
  it("marks the user blocked, drops the outbox and calls Telegram no more", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    telegram.failNext(1, telegramFailures.blocked());
    const recipient = await seedRecipient();
    const deliveries = await seedDeliveries(recipient, 3, clock.now);
    const { stub, metrics } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, deliveries);

    await runNextSend(stub, clock);
    expect(telegram.calls.map((c) => c.error_code)).toEqual([403]);
    expect((await userRow(recipient.userId))?.blockedAt).toBe(clock.now);
    const rows = await notificationRows(deliveries.map((d) => d.notificationId));
    expect(rows.map((r) => [r.status, r.errorCode])).toEqual(Array(3).fill(["dropped", 403]));
    expect(rows[0]?.error).toBe("Forbidden: bot was blocked by the user");
    expect(await stub.inspect()).toMatchObject({ counts: { queued: 0, dropped: 3 }, next: null });
    expect(metrics.map((m) => [m.stage, m.outcome])).toEqual([["send_error", "403"]]);

    clock.now += 60_000;
    expect((await stub.sendNext({ paid: false })).next).toBeNull();
    expect(await drain(stub, clock)).toEqual([]);
    expect(telegram.calls).toHaveLength(1);
  });
});

describe("Notifier: 5xx and network errors", () => {
  it("backs off 1, 2, 4, 8, 16 s, then fails the notification and alerts the admin once", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    telegram.failNext(6, telegramFailures.serverError());
    const recipient = await seedRecipient();
    const deliveries = await seedDeliveries(recipient, 1, clock.now);
    const { stub, metrics } = await notifierFor(recipient, clock); // jitter fixed at 0
    await stub.deliver(recipient, deliveries);

    const schedule = await drain(stub, clock);
    const gaps = schedule.slice(1).map((at, i) => at - (schedule[i] ?? 0));
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 16000]);
    const toUser = telegram.calls.filter((c) => c.chat_id === recipient.chatId);
    expect(toUser.map((c) => c.error_code)).toEqual(Array(6).fill(500));
    const alerts = telegram.messages.filter((m) => m.chat_id === 999);
    expect(alerts).toHaveLength(1);
    expect(telegram.messages).toHaveLength(1);
    expect(alerts[0]?.text).toContain(`user ${recipient.userId}`);
    expect(alerts[0]?.text).toContain("500: Internal Server Error");
    expect(alerts[0]?.text).toContain("after 6 attempts");
    const [row] = await notificationRows(deliveries.map((d) => d.notificationId));
    expect(row).toMatchObject({ status: "failed", errorCode: 500, error: "Internal Server Error", sentAt: null });
    expect(metrics.filter((m) => m.stage === "send_error").map((m) => m.outcome)).toEqual(Array(6).fill("500"));
    expect(await nextSendAt(stub)).toBeNull();
  });

  it("retries a broken connection (outcome unknown) no sooner than a minute, and marks what it sent as uncertain", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    telegram.failNext(2, telegramFailures.network());
    const recipient = await seedRecipient();
    const deliveries = await seedDeliveries(recipient, 1, clock.now);
    const { stub, metrics } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, deliveries);

    const schedule = await drain(stub, clock);
    // The request may have reached Telegram: no retry within UNKNOWN_OUTCOME_RETRY_MS, even where backoff says 1 s, 2 s.
    expect(schedule.slice(1).map((at, i) => at - (schedule[i] ?? 0))).toEqual([UNKNOWN_OUTCOME_RETRY_MS, UNKNOWN_OUTCOME_RETRY_MS]);
    expect(telegram.messages).toHaveLength(1);
    expect(telegram.messages.filter((m) => m.chat_id === 999)).toHaveLength(0);
    expect(metrics.map((m) => m.outcome)).toEqual(["unknown", "unknown", "ok"]);
    const [row] = await notificationRows(deliveries.map((d) => d.notificationId));
    expect(row).toMatchObject({ status: "sent", uncertain: true });
  });

  it("fails a 400 at once, alerts, and moves on to the next", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    telegram.failNext(1, telegramFailures.chatNotFound());
    const recipient = await seedRecipient();
    const deliveries = await seedDeliveries(recipient, 2, clock.now);
    const { stub } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, deliveries);
    await drain(stub, clock);

    const rows = await notificationRows(deliveries.map((d) => d.notificationId));
    expect(rows.map((r) => [r.status, r.errorCode])).toEqual([
      ["failed", 400],
      ["sent", null],
    ]);
    expect(telegram.messages.map((m) => m.chat_id)).toEqual([999, recipient.chatId]);
  });
});

describe("Notifier: photo refused", () => {
  it("falls back to text with the link preview and the button", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    telegram.failNext(1, telegramFailures.wrongPhoto());
    const recipient = await seedRecipient({ language: "en" });
    const deliveries = await seedDeliveries(recipient, 1, clock.now, () => ({ title: "Flat & garden" }));
    const { stub } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, deliveries);
    await runNextSend(stub, clock);

    const url = deliveries[0]?.listing.url ?? "";
    expect(telegram.calls.map((c) => [c.method, c.error_code])).toEqual([
      ["sendPhoto", 400],
      ["sendMessage", null],
    ]);
    expect(telegram.messages).toHaveLength(1);
    expect(telegram.messages[0]).toMatchObject({
      method: "sendMessage",
      link_preview_options: { url },
      reply_markup: { inline_keyboard: [[{ text: "Open listing", url }]] },
    });
    expect(telegram.messages[0]?.text?.split("\n")[0]).toBe(`<b><a href="${url}">Flat &amp; garden</a></b>`);
    expect(telegram.messages[0]?.text).toContain("OLX · published 5 min ago");
    const [row] = await notificationRows(deliveries.map((d) => d.notificationId));
    expect(row?.status).toBe("sent");
    expect(await nextSendAt(stub)).toBeNull();
  });

  it("sends text when the listing has no photo", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const deliveries = await seedDeliveries(recipient, 1, clock.now, () => ({ photoUrl: null }));
    const { stub } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, deliveries);
    await drain(stub, clock);
    expect(telegram.calls.map((c) => c.method)).toEqual(["sendMessage"]);
  });

  it("keeps a huge title with HTML characters within the caption limit, and Telegram takes it", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const deliveries = await seedDeliveries(recipient, 1, clock.now, () => ({ title: `<b>&"Okazja"</b> `.repeat(400) }));
    const { stub } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, deliveries);
    await drain(stub, clock);
    expect(telegram.calls.map((c) => [c.method, c.ok])).toEqual([["sendPhoto", true]]);
    const caption = telegram.messages[0]?.caption ?? "";
    expect(caption.length).toBeLessThanOrEqual(1024);
    expect(caption.length).toBeGreaterThan(1000);
    expect(caption.split("\n")[0]).toMatch(/^<b>&lt;b&gt;&amp;&quot;Okazja&quot;.*…<\/b>$/);
  });
});

describe("Notifier: mock mode", () => {
  it("records what would be sent, paced, with metrics, and never calls Telegram", async ({ expect }) => {
    const clock = testClock();
    const { telegram, requests } = installFakeTelegram(clock);
    const recipient = await seedRecipient({ isMock: true });
    const deliveries = await seedDeliveries(recipient, 3, clock.now);
    const { stub, metrics } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, deliveries);
    await drain(stub, clock);

    expect(requests).toHaveLength(0);
    expect(telegram.calls).toHaveLength(0);
    const recorded = await stub.recorded();
    expect(recorded).toHaveLength(3);
    expect(recorded[0]).toMatchObject({
      method: "sendPhoto",
      chatId: recipient.chatId,
      photo: deliveries[0]?.listing.photoUrl,
      notificationIds: [deliveries[0]?.notificationId],
    });
    expect(recorded[0]?.text.split("\n")[0]).toBe(`<b>${deliveries[0]?.listing.title}</b>`);
    for (let i = 1; i < recorded.length; i++) {
      expect((recorded[i]?.at ?? 0) - (recorded[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    }
    const rows = await notificationRows(deliveries.map((d) => d.notificationId));
    expect(rows.every((r) => r.status === "sent" && r.mock)).toBe(true);
    expect(metrics.map((m) => m.stage)).toEqual(["send", "send", "send"]);
  });
});

describe("Notifier: memory", () => {
  it("remembers sent ids for a day, then forgets them", async ({ expect }) => {
    const clock = testClock();
    installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const [first, second, third] = await seedDeliveries(recipient, 3, clock.now);
    if (!first || !second || !third) throw new Error("not seeded");
    const { stub } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, [first]);
    await drain(stub, clock);

    clock.now += 20 * 3_600_000;
    await stub.deliver(recipient, [second]);
    expect((await stub.inspect()).counts).toMatchObject({ sent: 1, queued: 1 });
    expect((await stub.deliver(recipient, [first])).accepted).toBe(0);
    await drain(stub, clock);

    clock.now += 25 * 3_600_000;
    await stub.deliver(recipient, [third]);
    expect((await stub.inspect()).counts).toMatchObject({ sent: 0, queued: 1 });
  });
});

describe("Notifier: TELEGRAM_MODE=mock", () => {
  it("records a real user's messages, digest included, without calling Telegram", async ({ expect }) => {
    const clock = testClock();
    const { requests } = installFakeTelegram(clock);
    const recipient = await seedRecipient();
    const deliveries = await seedDeliveries(recipient, 12, clock.now);
    const { stub, metrics } = await notifierFor(recipient, clock, (n) => {
      n.telegramMode = "mock";
    });
    await stub.deliver(recipient, deliveries);
    await drain(stub, clock);

    expect(requests).toHaveLength(0);
    const recorded = await stub.recorded();
    expect(recorded.map((r) => [r.method, r.notificationIds.length])).toEqual([["sendMessage", 12]]);
    expect(recorded[0]?.text.split("\n")[0]).toBe("📬 <b>12 nowych ogłoszeń</b>");
    const rows = await notificationRows(deliveries.map((d) => d.notificationId));
    expect(rows.every((r) => r.status === "sent" && r.mock && r.digest)).toBe(true);
    expect(metrics.filter((m) => m.stage === "send")).toHaveLength(12);
  });
});

describe("Notifier: quiet hours and the user's digest threshold", () => {
  it("finds the end of the quiet window in Warsaw time, across midnight and clock changes", ({ expect }) => {
    const winter = Date.UTC(2026, 0, 10, 22, 30); // 23:30 CET
    expect(quietWindowEnd(winter, QUIET)).toBe(Date.UTC(2026, 0, 11, 6, 0)); // 07:00 CET
    expect(quietWindowEnd(Date.UTC(2026, 0, 11, 12, 0), QUIET)).toBeNull();
    expect(quietWindowEnd(Date.UTC(2026, 6, 10, 21, 30), QUIET)).toBe(Date.UTC(2026, 6, 11, 5, 0)); // 23:30 → 07:00 CEST
    // The night summer time starts (29 March 2026): 07:00 CEST is 05:00 UTC.
    expect(quietWindowEnd(Date.UTC(2026, 2, 28, 23, 0), QUIET)).toBe(Date.UTC(2026, 2, 29, 5, 0));
    // Ending at 02:30 that night, a time that never happens: not before the clock jumps (01:00 UTC).
    expect(quietWindowEnd(Date.UTC(2026, 2, 29, 0, 30), { startMin: 23 * 60, endMin: 2 * 60 + 30 })).toBe(Date.UTC(2026, 2, 29, 1, 30));
    // The night it ends (25 October 2026): 07:00 CET is 06:00 UTC again; 02:30 happens twice, the later counts.
    expect(quietWindowEnd(Date.UTC(2026, 9, 24, 22, 0), QUIET)).toBe(Date.UTC(2026, 9, 25, 6, 0));
    expect(quietWindowEnd(Date.UTC(2026, 9, 24, 22, 0), { startMin: 23 * 60, endMin: 2 * 60 + 30 })).toBe(Date.UTC(2026, 9, 25, 1, 30));
    expect(quietWindowEnd(winter, { startMin: 9 * 60, endMin: 17 * 60 })).toBeNull();
    expect(quietWindowEnd(winter, null)).toBeNull();
  });

  it("keeps what arrives during quiet hours and sends it as one digest when they end", async ({ expect }) => {
    const clock = testClock();
    const { telegram, recipient, stub, morning } = await heldOvernight(clock);
    expect(await nextSendAt(stub)).toBe(morning);
    await drain(stub, clock);
    expect(telegram.messages).toHaveLength(1);
    expect(telegram.messages[0]).toMatchObject({ method: "sendMessage", at: morning });
    expect(telegram.messages[0]?.text?.split("\n")[0]).toBe("📬 <b>3 nowe ogłoszenia</b>");

    // By day, one listing is one message again.
    clock.now = morning + 5 * HOUR;
    const [noon] = await seedDeliveries(recipient, 1, clock.now);
    await stub.deliver(recipient, noon ? [noon] : []);
    await drain(stub, clock);
    expect(telegram.messages.at(-1)?.method).toBe("sendPhoto");
  });

  it("uses the user's own digest threshold", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const recipient = await seedRecipient({ digestThreshold: 2 });
    const deliveries = await seedDeliveries(recipient, 3, clock.now);
    const { stub } = await notifierFor(recipient, clock);
    await stub.deliver(recipient, deliveries);
    await drain(stub, clock);
    expect(telegram.messages.map((m) => m.method)).toEqual(["sendMessage"]);
  });
});
