import assert from "node:assert/strict";
import { test } from "node:test";
import { createNationalWorld, loadNationalCities } from "../sim/world.ts";
import { type BenchSearch, type BenchUser, type Published, citySlugIndex, expectedPairs, makeNationalWorld, nationalFeedsOf, pairKey, publishedOlx, publishedOtodom } from "./seed.ts";
import { type CityRow, searchCities } from "./targets.ts";

const T = Date.parse("2026-11-20T10:00:00Z");

/** D1's city rows as the bench reads them: slug and name are what matter here. */
const row = (slug: string, name: string): [string, CityRow] => [slug, { slug, name, olx_city_id: null, olx_region_id: null, otodom_path: null, lat: 0, lon: 0 }];
const D1 = new Map([row("warszawa", "Warszawa"), row("krakow", "Kraków"), row("lodz", "Łódź"), row("bydgoszcz", "Bydgoszcz"), row("nowa-wies-a", "Nowa Wieś"), row("nowa-wies-b", "Nowa Wieś")]);

test("a city is known by its name folded, as D1 lists it; a name two cities share is none of them", () => {
  const slugOf = citySlugIndex(D1.values());
  assert.equal(slugOf("ŁÓDŹ"), "lodz");
  assert.equal(slugOf("Krakow"), "krakow");
  assert.equal(slugOf("Nowa Wieś"), null);
  assert.equal(slugOf("Pcim"), null);
});

test("what the national fakes published is read by the listing's own city, and an OLX cross-post by its Otodom url", () => {
  const sites = createNationalWorld({ now: T, historyHours: 3, seed: 1 });
  const slugOf = citySlugIndex(D1.values());
  const olx = sites.olx.listings.map((l) => publishedOlx(l, slugOf));
  const otodom = sites.otodom.listings.map((l) => publishedOtodom(l, slugOf));
  for (const [i, p] of olx.entries()) {
    const offer = sites.olx.listings[i]?.offer as { location: { city: { name: string } }; external_url?: string; url: string };
    assert.equal(p.city, slugOf(offer.location.city.name) ?? `?${offer.location.city.name}`);
    assert.equal(p.urlSource, offer.external_url ? "otodom" : "olx");
    assert.ok((offer.external_url ?? offer.url).includes(`-ID${p.urlId}`));
  }
  assert.ok(olx.some((p) => p.city === "warszawa") && otodom.some((p) => p.city === "warszawa"));
  assert.ok(olx.some((p) => p.urlSource === "otodom") && olx.some((p) => p.urlSource === "olx"));
  assert.ok(otodom.every((p) => p.urlSource === "otodom" && (p.city.startsWith("?") || D1.has(p.city))));
});

test("a listing is expected by the searches of its own city only, on its site and deal, within inclusive bounds", () => {
  const user = (i: number): BenchUser => ({ telegramId: 500_001 + i, chatId: 500_001 + i });
  const search = (u: BenchUser, city: string, priceMax: number | null = null): BenchSearch => ({ user: u, name: "s", feed: { source: "olx", deal: "sale", property: "flat", city }, priceMin: null, priceMax });
  const [a, b, c] = [user(0), user(1), user(2)];
  const world = { feeds: [], burst: null, users: [a, b, c], searches: [search(a, "warszawa"), search(b, "krakow"), search(c, "warszawa", 499_999), search(c, "warszawa", 500_000)] };
  const listing: Published = { key: "olx:1", source: "olx", externalId: "1", urlId: "x", urlSource: "olx", deal: "sale", property: "flat", city: "warszawa", price: 500_000, publishedAt: T };
  assert.deepEqual([...expectedPairs(world, [listing])].sort(), [pairKey(a.chatId, "olx:1"), pairKey(c.chatId, "olx:1")]);
  assert.deepEqual([...expectedPairs(world, [{ ...listing, deal: "rent" }, { ...listing, key: "olx:2", city: "?Pcim" }])], []);
  assert.deepEqual(nationalFeedsOf(world), ["olx:sale:flat:pl"]);
});

test("the national world's users live in cities skewed like the listings, each searching their own city, half with no price bound", () => {
  const cities = [{ slug: "warszawa", weight: 0.6 }, { slug: "krakow", weight: 0.3 }, { slug: "lodz", weight: 0.1 }];
  const prices = new Map(["olx|sale", "olx|rent", "otodom|sale", "otodom|rent"].map((k) => [k, Array.from({ length: 100 }, (_, i) => 1_000 * (i + 1))]));
  const world = makeNationalWorld({ users: 1_000, searchesPerUser: 2, cities, prices, saleShare: { olx: 0.55, otodom: 0.55 } }, 1);
  assert.equal(world.users.length, 1_000);
  assert.equal(world.searches.length, 2_000);
  const usersIn = (slug: string) => new Set(world.searches.filter((s) => s.feed.city === slug).map((s) => s.user.chatId)).size;
  assert.ok(usersIn("warszawa") > usersIn("krakow") && usersIn("krakow") > usersIn("lodz") && usersIn("lodz") > 50);
  for (const u of world.users) assert.equal(new Set(world.searches.filter((s) => s.user === u).map((s) => s.feed.city)).size, 1);
  const unbounded = world.searches.filter((s) => s.priceMin === null && s.priceMax === null).length / world.searches.length;
  assert.ok(unbounded > 0.45 && unbounded < 0.55);
  assert.deepEqual(nationalFeedsOf(world), ["olx:rent:flat:pl", "olx:sale:flat:pl", "otodom:rent:flat:pl", "otodom:sale:flat:pl"]);
});

test("users search in the heaviest towns D1 knows by a name of its own; a name two towns share stands once", () => {
  const picked = searchCities(loadNationalCities(), D1, 10);
  assert.deepEqual(picked.map((c) => c.slug), ["warszawa", "krakow", "lodz", "bydgoszcz"]);
  assert.ok((picked[0]?.weight ?? 0) > (picked[1]?.weight ?? 0));
});
