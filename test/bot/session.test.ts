import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import { alice, chatWith } from "../helpers/bot.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { resetDb, seedUser } from "../helpers/seed.ts";

beforeEach(resetDb);

describe("politeness", () => {
  it("asks a user sending a burst to slow down once, then ignores the rest of the burst; buttons are still answered", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    await seedUser({ telegramId: alice.id });
    const chat = chatWith(telegram, clock, alice, { env: { BOT_RATE_LIMIT: "3" } });
    for (let i = 0; i < 6; i++) await chat.say("/help");
    await chat.press("w:deal:rent");
    const texts = telegram.messages.map((m) => m.text?.split("\n")[0]);
    expect(texts).toEqual(["Co umiem:", "Co umiem:", "Co umiem:", "Zwolnij trochę 🙂 Odpowiem na kolejne wiadomości za kilka sekund."]);
    expect(telegram.callbackAnswers).toEqual([{ callback_query_id: expect.any(String), text: "Zwolnij trochę 🙂 Odpowiem na kolejne wiadomości za kilka sekund." }]);
    // The window is on the Worker's clock; a new window starts the count again.
    await env.DB.prepare("UPDATE rate_limits SET window_start = window_start - 10000").run();
    await chat.say("/help");
    expect(chat.last()).toMatch(/^Co umiem:/);
  });

  it("answers a 5 000-character message with what it accepts, and stores nothing", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    await seedUser({ telegramId: alice.id });
    const chat = chatWith(telegram, clock);
    await chat.say("/new");
    await chat.say(`https://www.otodom.pl/pl/wyniki/sprzedaz/mieszkanie/cala-polska?x=${"a".repeat(5000)}`);
    expect(chat.last()).toBe("Ta wiadomość jest za długa (najwyżej 1000 znaków). Wklej sam link albo krótką odpowiedź.");
    expect(await env.DB.prepare("SELECT step FROM bot_flows").first()).toEqual({ step: "deal" });
    expect(await env.DB.prepare("SELECT count(*) AS n FROM saved_searches").first()).toEqual({ n: 0 });
  });
});
