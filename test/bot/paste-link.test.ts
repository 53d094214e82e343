import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import { alice, chatWith } from "../helpers/bot.ts";
import { expectToContainAll } from "../helpers/expect-text.ts";
import { installFakeTelegram, testClock } from "../helpers/fake-telegram.ts";
import type { SiteHandler } from "../helpers/fake-web.ts";
import { cityId, resetDb, seedUser } from "../helpers/seed.ts";

beforeEach(resetDb);

// marcinmilewski1/olx-scrapper index.js @ 24806256: Białystok, here a city the seed has no OLX id for.
const OLX_BIALYSTOK = "https://www.olx.pl/nieruchomosci/mieszkania/wynajem/bialystok/?search[filter_float_price:to]=1400&search[filter_enum_rooms][0]=one&search[filter_enum_rooms][1]=two";

async function aliceChat(olx?: SiteHandler) {
  const clock = testClock();
  const { telegram, requests } = installFakeTelegram(clock, {}, olx ? { [new URL(env.OLX_BASE_URL).origin]: olx } : {});
  await seedUser({ telegramId: alice.id, language: "pl" });
  const toOlx = () => requests.filter((r) => r.url.startsWith(env.OLX_BASE_URL));
  return { chat: chatWith(telegram, clock), telegram, toOlx };
}

const bialystokIds = () => env.DB.prepare("SELECT olx_city_id, olx_region_id FROM locations WHERE slug = 'bialystok'").first();
/** OLX's list (drizzle/0007) gives every seeded city an id: Białystok's is dropped to stand for a city it does not list. */
const setBialystokOlxId = (id: number | null) => env.DB.prepare("UPDATE locations SET olx_city_id = ? WHERE slug = 'bialystok'").bind(id).run();
const BIALYSTOK_OLX_ID = 1079;

describe("a pasted search link", () => {
  it("is shown as understood, with what could not be used, and saved on confirmation", async ({ expect }) => {
    const { chat } = await aliceChat();
    // code index id 12380236083
    await chat.say(
      "https://www.otodom.pl/pl/wyniki/sprzedaz/mieszkanie/mazowieckie/warszawa/warszawa/warszawa?limit=36&ownerTypeSingleSelect=ALL&areaMin=60&buildYearMin=1999&roomsNumber=%5BTHREE%2CFOUR%5D&priceMax=1500000&by=DEFAULT&direction=DESC",
    );
    const summary = chat.last();
    expectToContainAll(expect, summary, [
      "<b>Z linku zrozumiałem:</b>",
      "mieszkanie · sprzedaż · Warszawa",
      "Serwis: Otodom",
      "Cena: do 1 500 000 zł",
      "Pokoje: 3–4",
      "Powierzchnia: od 60 m²",
      "Tych parametrów linku nie umiem użyć (pominięte):\n• <code>buildYearMin=1999</code>",
    ]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM saved_searches").first()).toEqual({ n: 0 });

    await chat.press("w:confirm:save");
    expect(chat.last()).toContain("Zapisane");
    expect(await env.DB.prepare("SELECT source, deal, city_id, price_max, rooms_min, rooms_max, area_min FROM saved_searches").first()).toEqual({
      source: "otodom",
      deal: "sale",
      city_id: await cityId("warszawa"),
      price_max: 1_500_000,
      rooms_min: 3,
      rooms_max: 4,
      area_min: 60,
    });
  });

  it("asks OLX's friendly-links API once for a city the seed has no OLX ids for, and keeps them", async ({ expect }) => {
    // The answer's shape is OLX's: {"data": {...ids as strings...}, "metadata": {...}}
    // (code index ids 55672337842, 29049963548). The ids are test values, not Białystok's real ones.
    await setBialystokOlxId(null);
    const { chat, toOlx } = await aliceChat((request) => {
      const path = new URL(request.url).pathname;
      if (path !== "/api/v1/friendly-links/query-params/nieruchomosci,mieszkania,wynajem,bialystok/") return new Response("not found", { status: 404 });
      return Response.json({ data: { category_id: "15", region_id: "990", city_id: "990001" }, metadata: { seo: { title: "Mieszkania na wynajem Białystok" } } });
    });
    try {
      await chat.say(OLX_BIALYSTOK);
      expect(chat.last()).toContain("Serwis: OLX");
      expect(chat.last()).toContain("Pokoje: 1–2");
      expect(chat.last()).not.toContain("nie udało się sprawdzić");
      // The city id is learnt; the seed's region id (from our captures) is kept.
      expect(await bialystokIds()).toEqual({ olx_city_id: 990001, olx_region_id: 18 });
      expect(toOlx()).toHaveLength(1);
      // Known now: the next link for Białystok asks nobody.
      await chat.say(OLX_BIALYSTOK);
      expect(toOlx()).toHaveLength(1);
    } finally {
      await setBialystokOlxId(BIALYSTOK_OLX_ID);
    }
  });

  it("falls back to Otodom for that city when OLX cannot answer, and says so", async ({ expect }) => {
    await setBialystokOlxId(null);
    try {
      const { chat, toOlx } = await aliceChat(() => new Response("<html>captcha</html>", { status: 403 }));
      await chat.say(OLX_BIALYSTOK);
      expect(chat.last()).toContain("Serwis: OLX i Otodom");
      expect(chat.last()).toContain("nie udało się sprawdzić tego miasta w OLX");
      expect(toOlx()).toHaveLength(1);
      expect(await bialystokIds()).toEqual({ olx_city_id: null, olx_region_id: 18 });
    } finally {
      await setBialystokOlxId(BIALYSTOK_OLX_ID);
    }
  });

  it("asks nobody for a city OLX's list gave ids", async ({ expect }) => {
    const { chat, toOlx } = await aliceChat(() => new Response("not found", { status: 404 }));
    await chat.say(OLX_BIALYSTOK);
    expect(chat.last()).toContain("Serwis: OLX");
    expect(toOlx()).toHaveLength(0);
  });

  it("explains what it accepts when the link is not a usable search", async ({ expect }) => {
    const { chat } = await aliceChat();
    expect(await chat.ask("https://www.gumtree.pl/s-mieszkania-i-domy-do-wynajecia/rembertow/v1c9008l3200016p1")).toBe("Obsługuję tylko linki do wyników wyszukiwania z olx.pl i otodom.pl.");
    expect(await chat.ask("https://www.olx.pl/d/oferta/2-pokoje-plac-grunwaldzki-od-zaraz-promocja-v-ix-2023-CID3-IDIiUR2.html")).toContain("To link do ogłoszenia albo strony, nie do wyników wyszukiwania.");
    expect(await chat.ask("https://www.otodom.pl/pl/wyniki/wynajem/mieszkanie/lodzkie?distanceRadius=0&page=1&limit=36&by=DEFAULT&direction=DESC&viewType=listing")).toContain("Nie znam miasta „lodzkie”.");
    // Some of them: all ~500 names would not fit in one Telegram message.
    expect(chat.last()).toContain("Obsługiwane miasta: Warszawa, Kraków, Wrocław, Poznań, ");
    expect(chat.last()).toContain(" i 462 inne.");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM bot_flows").first()).toEqual({ n: 0 });
  });
});
