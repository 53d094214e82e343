import { describe, it } from "vitest";
import type { Delivery } from "../../src/model/delivery.ts";
import { escapeHtml, escapeTruncated } from "../../src/telegram/html.ts";
import { CAPTION_LIMIT, MESSAGE_LIMIT, renderDigest, renderListing } from "../../src/telegram/render.ts";
import { checkTelegramHtml } from "../../sim/fake-telegram.ts";
import { podgorzeBalkonItem } from "../helpers/listings.ts";

const NOW = Date.UTC(2030, 5, 1, 12);

/**
 * Delivery i of search `searchName`: the Otodom capture's Podgórze flat
 * (Kraków, agency, sale, no coordinates nor photo), renumbered i and set at
 * 850 000 zł for 52 m² and 3 rooms, first seen 3 h before NOW.
 */
function delivery(i: number, fields: Partial<Delivery["listing"]> = {}, searchName = "Mokotów"): Delivery {
  return {
    notificationId: i,
    searchId: 1,
    searchName,
    matchedAt: NOW,
    fanout: 1,
    listing: {
      ...podgorzeBalkonItem,
      id: i,
      externalId: String(i),
      url: `https://www.otodom.pl/pl/oferta/mieszkanie-ID${i}?a=1&b=2`,
      title: `Mieszkanie ${i}`,
      price: 850_000,
      areaM2: 52,
      rooms: 3,
      pricePerM2: null,
      publishedAt: null,
      firstListedAt: null,
      bumpedAt: null,
      flatKey: null,
      firstSeenAt: NOW - 3 * 3_600_000,
      ...fields,
    },
  };
}

describe("HTML escaping", () => {
  it("escapes <, >, & and quotes", ({ expect }) => {
    expect(escapeHtml(`<a href="x">&</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
  });

  it("truncates before escaping, never inside an entity or a surrogate pair", ({ expect }) => {
    expect(escapeTruncated("Kawalerka & ogród", 12)).toBe("Kawalerka…");
    expect(escapeTruncated("a&b", 100)).toBe("a&amp;b");
    for (let max = 0; max < 40; max++) {
      const out = escapeTruncated(`&&<<"" 🏠🏠 &x`, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out.replace(/&(amp|lt|gt|quot);/g, "")).not.toMatch(/[&<>"]/);
      expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no lone high surrogate
    }
  });
});

describe("listing card", () => {
  it("renders a sale in English with price per m² and the first-seen time", ({ expect }) => {
    const card = renderListing(delivery(1), "en", NOW);
    expect(card.caption).toBe(
      [
        "<b>Mieszkanie 1</b>",
        "💰 <b>850 000 zł</b>",
        "📐 52 m² · 3 rooms · 16 346 zł/m²",
        "📍 Podgórze, Kraków",
        "🏷 Otodom · published 3 h ago",
        "🔎 Search: Mokotów",
      ].join("\n"),
    );
    expect(card.text.split("\n")[0]).toBe(
      `<b><a href="https://www.otodom.pl/pl/oferta/mieszkanie-ID1?a=1&amp;b=2">Mieszkanie 1</a></b>`,
    );
    expect(card.buttons).toEqual([
      { text: "Open listing", url: "https://www.otodom.pl/pl/oferta/mieszkanie-ID1?a=1&b=2" },
      // The bot answers it (src/bot/searches.ts): the search this listing matched is paused.
      { text: "🔕 Mute this search", callbackData: "m:1" },
    ]);
    expect(card.photo).toBeNull();
  });

  it("says when the price is unknown and leaves out what is not known", ({ expect }) => {
    const card = renderListing(
      delivery(1, { price: null, areaM2: null, rooms: null, district: null, city: null, publishedAt: NOW }, ""),
      "pl",
      NOW,
    );
    expect(card.caption).toBe(["<b>Mieszkanie 1</b>", "💰 cena do uzgodnienia", "🏷 Otodom · dodano przed chwilą"].join("\n"));
  });

  it("tells a bumped ad's first listing, and how its price per m² stands against the median (pl and en)", ({ expect }) => {
    const DAY = 24 * 3_600_000;
    const bumped = delivery(1, { publishedAt: NOW - 5 * 60_000, firstListedAt: NOW - 21 * DAY, bumpedAt: NOW - 5 * 60_000 });
    const market = { pct: -12, district: "Podgórze", roomsBand: 3, n: 143, medianPerM2: 18_575 };
    const pl = renderListing({ ...bumped, market }, "pl", NOW).caption.split("\n");
    expect(pl.slice(4)).toEqual(["📊 −12 % względem mediany, Podgórze, 3 pokoje (n=143)", "🏷 Otodom · dodano 5 min temu · pierwsze ogłoszenie 3 tygodnie temu", "🔎 Wyszukiwanie: Mokotów"]);
    const en = renderListing({ ...bumped, market: { ...market, pct: 5, district: null, roomsBand: 4 } }, "en", NOW).caption.split("\n");
    expect(en.slice(4, 6)).toEqual(["📊 +5 % vs median, Kraków, 4+ rooms (n=143)", "🏷 Otodom · published 5 min ago · first listed 3 weeks ago"]);
    // Pushed up the day it was listed, and no median: neither line.
    const fresh = renderListing(delivery(1, { firstListedAt: NOW - 3 * 3_600_000, bumpedAt: NOW - 3_600_000 }), "en", NOW).caption;
    expect(fresh).not.toMatch(/first listed|median/);
  });

  it("keeps a huge title with HTML characters within the caption and message limits", ({ expect }) => {
    const title = `<b>"Luksus" & widok</b> `.repeat(500);
    const card = renderListing(
      delivery(1, { title, district: "<Ś>".repeat(100), city: "&".repeat(200) }, "<x>".repeat(200)),
      "pl",
      NOW,
    );
    expect(card.caption.length).toBeLessThanOrEqual(CAPTION_LIMIT);
    expect(card.caption.length).toBeGreaterThan(CAPTION_LIMIT - 10);
    expect(card.text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(checkTelegramHtml(card.caption)).toBeNull();
    expect(checkTelegramHtml(card.text)).toBeNull();
    expect(card.caption).toMatch(/^<b>&lt;b&gt;&quot;Luksus&quot; &amp; widok&lt;\/b&gt;/);
    expect(card.caption.split("\n")[0]).toMatch(/…<\/b>$/);
  });
});

describe("digest", () => {
  it("lists every listing once, in parts under the limit, with ranges", ({ expect }) => {
    const deliveries = Array.from({ length: 200 }, (_, i) => delivery(i + 1, { district: `Osiedle <${i}> & "Park"` }));
    const parts = renderDigest(deliveries, "pl");
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      expect(part.text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(checkTelegramHtml(part.text)).toBeNull();
    }
    expect(parts.flatMap((p) => p.notificationIds)).toEqual(deliveries.map((d) => d.notificationId));
    expect(parts[0]?.text.split("\n")[0]).toBe(`📬 <b>200 nowych ogłoszeń</b> (1–${parts[0]?.notificationIds.length})`);
    expect(parts.at(-1)?.text.split("\n")[0]).toMatch(/\(\d+–200\)$/);
    expect(parts[0]?.text.split("\n")[2]).toBe(
      `• <b>850 000 zł</b> · 52 m² · 3 pokoje · Osiedle &lt;0&gt; &amp; &quot;Park&quot; · <a href="https://www.otodom.pl/pl/oferta/mieszkanie-ID1?a=1&amp;b=2">Otodom</a>`,
    );
  });

  it("continues a digest from where the last part stopped", ({ expect }) => {
    const deliveries = Array.from({ length: 5 }, (_, i) => delivery(i + 21));
    const [part] = renderDigest(deliveries, "en", { total: 25, offset: 20 });
    expect(part?.text.split("\n")[0]).toBe("📬 <b>25 new listings</b> (21–25)");
  });

  it("splits at any limit", ({ expect }) => {
    const deliveries = Array.from({ length: 30 }, (_, i) => delivery(i + 1));
    const parts = renderDigest(deliveries, "pl", { limit: 600 });
    for (const part of parts) expect(part.text.length).toBeLessThanOrEqual(600);
    expect(parts.flatMap((p) => p.notificationIds)).toHaveLength(30);
  });
});
