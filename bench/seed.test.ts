import assert from "node:assert/strict";
import { test } from "node:test";
import { createNationalWorld, loadNationalCities } from "../sim/world.ts";
import { type BenchSearch, type BenchUser, type Published, cityLookup, expectedPairs, makeNationalWorld, nationalFeedsOf, pairKey, publishedOlx, publishedOtodom } from "./seed.ts";
import { type CityRow, searchCities } from "./targets.ts";

const T = Date.parse("2026-11-20T10:00:00Z");

/** D1's city rows as the bench reads them. */
const row = (slug: string, name: string, olxId: number | null = null, path: string | null = null): [string, CityRow] => [
  slug,
  { slug, name, olx_city_id: olxId, olx_region_id: null, otodom_path: path, region: null, lat: 0, lon: 0 },
];
// Warszawa, Kraków, Łódź and both Bydgoszcz by their real OLX ids; two towns of one name without.
const D1 = new Map([
  row("warszawa", "Warszawa", 17871, "mazowieckie/warszawa/warszawa/warszawa"),
  row("krakow", "Kraków", 8959),
  row("lodz", "Łódź"),
  row("bydgoszcz", "Bydgoszcz", 4019),
  row("bydgoszcz-pomorskie", "Bydgoszcz", 131417),
  row("nowa-wies-a", "Nowa Wieś"),
  row("nowa-wies-b", "Nowa Wieś"),
]);

test("a listing's city is the D1 city of the town the fake put it in: by OLX id, by Otodom path, else by a name no other city has", () => {
  const towns = [{ otodomPath: "malopolskie/krakow/krakow/krakow", olxId: 8959 }];
  const lookup = cityLookup(D1.values(), towns);
  assert.equal(lookup.olx(131417, "Bydgoszcz"), "bydgoszcz-pomorskie");
  assert.equal(lookup.olx(4019, "Bydgoszcz"), "bydgoszcz");
  assert.equal(lookup.olx(1, "ŁÓDŹ"), "lodz");
  assert.equal(lookup.olx(1, "Bydgoszcz"), null);
  assert.equal(lookup.olx(1, "Nowa Wieś"), null);
  assert.equal(lookup.otodom("malopolskie/krakow/krakow/krakow", "Kraków"), "krakow");
  assert.equal(lookup.otodom("mazowieckie/warszawa/warszawa/warszawa", "Warszawa"), "warszawa");
  assert.equal(lookup.otodom("lodzkie/lodz/lodz/lodz", "Łódź"), "lodz");
  assert.equal(lookup.otodom("x/y/pcim/pcim", "Pcim"), null);
});

test("what the national fakes published is read where they put it, and an OLX cross-post by its Otodom url", () => {
  const towns = loadNationalCities();
  const sites = createNationalWorld({ cities: towns, now: T, historyHours: 3, seed: 1 });
  const lookup = cityLookup(D1.values(), towns);
  const olx = sites.olx.listings.map((l) => publishedOlx(l, lookup));
  const otodom = sites.otodom.listings.map((l) => publishedOtodom(l, lookup));
  for (const [i, p] of olx.entries()) {
    const listing = sites.olx.listings[i];
    const offer = listing?.offer as { location: { city: { id: number } }; external_url?: string; url: string };
    assert.equal(p.city, lookup.olx(offer.location.city.id, listing?.target.cityName ?? "") ?? `?${listing?.target.cityName}`);
    assert.equal(p.urlSource, offer.external_url ? "otodom" : "olx");
    assert.ok((offer.external_url ?? offer.url).includes(`-ID${p.urlId}`));
  }
  assert.ok(olx.some((p) => p.city === "warszawa") && otodom.some((p) => p.city === "warszawa") && otodom.some((p) => p.city === "krakow"));
  assert.ok(olx.some((p) => p.urlSource === "otodom") && olx.some((p) => p.urlSource === "olx"));
  assert.ok(otodom.every((p) => p.urlSource === "otodom" && (p.city.startsWith("?") || D1.has(p.city))));
});

test("a listing is expected by the searches of its own city only, on its site and deal, within inclusive bounds", () => {
  const user = (i: number): BenchUser => ({ telegramId: 500_001 + i, chatId: 500_001 + i });
  const search = (u: BenchUser, city: string, priceMax: number | null = null): BenchSearch => ({ user: u, name: "s", feed: { source: "olx", deal: "sale", property: "flat", city }, priceMin: null, priceMax });
  const [a, b, c] = [user(0), user(1), user(2)];
  const world = { feeds: [], burst: null, users: [a, b, c], searches: [search(a, "warszawa"), search(b, "krakow"), search(c, "warszawa", 499_999), search(c, "warszawa", 500_000)] };
  const listing: Published = { key: "olx:1", source: "olx", externalId: "1", urlId: "x", urlSource: "olx", deal: "sale", property: "flat", city: "warszawa", price: 500_000, flatId: "olx:1", publishedAt: T };
  assert.deepEqual([...expectedPairs(world, [listing])].sort(), [pairKey(a.chatId, "olx:1"), pairKey(c.chatId, "olx:1")]);
  assert.deepEqual([...expectedPairs(world, [{ ...listing, deal: "rent" }, { ...listing, key: "olx:2", city: "?Pcim" }])], []);
  // A repost of the flat (another ad, cheaper, so it also meets c's tighter search) is no second notification.
  const repost: Published = { ...listing, key: "olx:3", externalId: "3", price: 480_000 };
  assert.deepEqual([...expectedPairs(world, [listing, repost])].sort(), [pairKey(a.chatId, "olx:1"), pairKey(c.chatId, "olx:1")]);
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

test("users search in the heaviest towns D1 knows, by OLX id or by a name of its own", () => {
  const picked = searchCities(loadNationalCities(), D1, 10);
  assert.deepEqual(picked.map((c) => c.slug), ["warszawa", "krakow", "lodz", "bydgoszcz", "bydgoszcz-pomorskie"]);
  assert.ok((picked[0]?.weight ?? 0) > (picked[1]?.weight ?? 0));
});
