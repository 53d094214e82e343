import { env } from "cloudflare:workers";
import { beforeEach, describe, it, vi } from "vitest";
import { alice, callbackQuery, chatWith, type PostOptions, postUpdate } from "../helpers/bot.ts";
import { expectToContainAll } from "../helpers/expect-text.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import { cityId, resetDb } from "../helpers/seed.ts";

beforeEach(resetDb);

const flowRow = () => env.DB.prepare("SELECT kind, step, state FROM bot_flows WHERE telegram_id = ?").bind(alice.id).first<{ kind: string; step: string; state: string }>();
const searchRows = () => env.DB.prepare("SELECT * FROM saved_searches ORDER BY id").all().then((r) => r.results);

async function startedChat(options: Omit<PostOptions, "secret"> = {}) {
  const clock = testClock();
  const { telegram } = installFakeTelegram(clock);
  const chat = chatWith(telegram, clock, alice, options);
  await chat.say("/start");
  return { chat, telegram };
}

/** Walks /new to its summary for an Otodom flat to rent in `city`: no bounds, the whole city, no keywords, any owner. */
async function newOtodomFlatToRent(chat: ReturnType<typeof chatWith>, city: string) {
  await chat.say("/new");
  await chat.press("w:deal:rent");
  await chat.press("w:property:flat");
  await chat.press("w:source:otodom");
  await chat.say(city);
  await chat.say("-");
  await chat.press("w:rooms:-");
  await chat.say("-");
  await chat.press("w:place:whole");
  await chat.say("-");
  await chat.press("w:private:no");
}

describe("/new", () => {
  it("walks through every question with buttons and typed answers, survives a restart, and saves exactly what was answered", async ({ expect }) => {
    const options: Omit<PostOptions, "secret"> = {};
    const { chat } = await startedChat(options);
    const krakow = await cityId("krakow");

    expect(await chat.ask("/new")).toContain("Wynajem czy sprzedaż?");
    expect(chat.buttons()).toEqual(["w:deal:rent", "w:deal:sale"]);
    await chat.press("w:deal:rent");
    expect(chat.buttons()).toEqual(["w:property:flat", "w:property:house", "w:property:room", "w:property:plot"]);
    await chat.press("w:property:flat");
    expect(chat.buttons()).toEqual(["w:source:both", "w:source:olx", "w:source:otodom"]);
    await chat.press("w:source:both");
    expect(chat.last()).toContain("W jakim mieście?");

    // A typo gets suggestions; a miss gets the list of cities.
    expect(await chat.ask("Krakw")).toContain("Nie znam miasta „Krakw”");
    expect(chat.buttons()).toContain(`w:city:${krakow}`);
    expect(await chat.ask("Atlantyda")).toContain("Obsługiwane miasta:");
    await chat.press(`w:city:${krakow}`);
    expect(chat.last()).toContain("Cena w zł?");

    // Bad values are refused with a reason, and the question stays open.
    expect(await chat.ask("5000-3000")).toBe("Cena od: minimum jest większe niż maksimum");
    expect(await chat.ask("-500")).toBe("Cena od: musi być większe od zera");
    expect(await chat.ask("tanio")).toBe("Cena od: wpisz liczbę, np. 3500");
    expect(await flowRow()).toMatchObject({ kind: "new", step: "price" });

    // A fresh copy of the Worker's modules: only what is in D1 carries the flow on.
    vi.resetModules();
    options.worker = (await import("../../src/index.ts")).default;

    expect(await chat.ask("do 3 500")).toContain("Ile pokoi?");
    await chat.press("w:rooms:2-3");
    expect(await chat.ask("od 40")).toContain("Gdzie w mieście?");
    await chat.press("w:place:districts");
    expect(await chat.ask("Stare Miasto, Nowa Wieś")).toContain("Nie znam dzielnic: Nowa Wieś. Znane: ");
    expect(await chat.ask("stare miasto, podgorze")).toContain("Słowa w tytule?");
    expect(await chat.ask("balkon, <b>winda</b>, -parter")).toContain("Tylko od osób prywatnych");
    await chat.press("w:private:yes");

    const summary = chat.last();
    expectToContainAll(expect, summary, [
      "mieszkanie · wynajem · Kraków",
      "Cena: do 3 500 zł",
      "Pokoje: 2–3",
      "Powierzchnia: od 40 m²",
      "Dzielnice: Stare Miasto, Podgórze",
      // What the user typed is escaped where it is echoed.
      "&lt;b&gt;winda&lt;/b&gt;",
    ]);
    expect(chat.buttons()).toEqual(["w:confirm:save", "w:confirm:edit", "w:confirm:cancel"]);
    expect(await searchRows()).toEqual([]);

    await chat.press("w:confirm:save");
    expect(chat.last()).toContain("Zapisane");
    expect(await flowRow()).toBeNull();
    expect(await searchRows()).toEqual([
      expect.objectContaining({
        deal: "rent",
        property: "flat",
        source: null,
        city_id: krakow,
        price_min: null,
        price_max: 3500,
        rooms_min: 2,
        rooms_max: 3,
        area_min: 40,
        area_max: null,
        districts: JSON.stringify(["Stare Miasto", "Podgórze"]),
        include_keywords: JSON.stringify(["balkon", "<b>winda</b>"]),
        exclude_keywords: JSON.stringify(["parter"]),
        private_only: 1,
        active: 1,
      }),
    ]);
  });

  it("takes a shared location and a radius; a house search is on Otodom without asking", async ({ expect }) => {
    const { chat } = await startedChat();
    await chat.say("/new");
    await chat.press("w:deal:sale");
    await chat.press("w:property:house");
    expect(chat.last()).toContain("W jakim mieście?");
    await chat.say("warszawa");
    await chat.press("w:price:any");
    await chat.press("w:rooms:-");
    await chat.press("w:area:any");
    await chat.shareLocation(52.1935, 21.0357);
    expect(chat.last()).toContain("W jakim promieniu");
    await chat.press("w:radius:2");
    await chat.press("w:keywords:none");
    await chat.press("w:private:no");
    expect(chat.last()).toContain("Promień: do 2 km od wskazanego punktu");
    expect(chat.last()).toContain("Serwis: Otodom");
    await chat.press("w:confirm:save");
    expect(await searchRows()).toEqual([
      expect.objectContaining({ property: "house", source: "otodom", lat: 52.1935, lon: 21.0357, radius_km: 2, districts: null, private_only: 0 }),
    ]);
  });

  it("answers a button of a question no longer open, and lets /cancel drop the flow", async ({ expect }) => {
    const { chat, telegram } = await startedChat();
    await chat.press("w:deal:rent");
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("To pytanie jest już nieaktualne.");
    await chat.say("/new");
    await chat.press("w:deal:rent");
    await chat.press("w:deal:sale");
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("To pytanie jest już nieaktualne.");
    await chat.say("/cancel");
    expect(chat.last()).toBe("Przerwane, nic nie zapisałem.");
    expect(await flowRow()).toBeNull();
    await chat.press("zzz:unknown");
    expect(telegram.callbackAnswers.at(-1)?.text).toBe("To pytanie jest już nieaktualne.");
    // Every callback query was answered.
    const pressed = telegram.calls.filter((c) => c.method === "answerCallbackQuery").length;
    expect(pressed).toBe(4);
  });

  it("refuses a search past the limit, politely, and stores nothing", async ({ expect }) => {
    const { chat } = await startedChat({ env: { MAX_SEARCHES_PER_USER: "1" } });
    for (const round of [1, 2]) {
      await newOtodomFlatToRent(chat, "Gdańsk");
      await chat.press("w:confirm:save");
      expect(chat.last()).toContain(round === 1 ? "Zapisane" : "Masz już 1 wyszukiwań, to limit.");
    }
    expect(await searchRows()).toHaveLength(1);
  });

  it("saves once when Save is tapped twice at the same moment", async ({ expect }) => {
    const { chat } = await startedChat();
    await newOtodomFlatToRent(chat, "Kraków");
    // The webhook answers first, so two updates of one user run side by side.
    await Promise.all([postUpdate(callbackQuery("w:confirm:save")), postUpdate(callbackQuery("w:confirm:save"))]);
    expect(await searchRows()).toHaveLength(1);
  });

  it("needs /start first", async ({ expect }) => {
    const clock = testClock();
    const { telegram } = installFakeTelegram(clock);
    const chat = chatWith(telegram, clock);
    await chat.say("/new");
    expect(chat.last()).toBe("Najpierw /start.");
  });
});
