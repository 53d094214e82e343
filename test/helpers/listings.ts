import type { Listing } from "../../src/model/listing.ts";

/**
 * The 2023 olx.pl API offer in test/fixtures (Wrocław, Plac Grunwaldzki),
 * exactly as parseOlxApiJson reads it.
 */
export const grunwaldzkiOffer: Listing = {
  source: "olx",
  externalId: "654667240",
  url: "https://www.olx.pl/d/oferta/2-pokoje-plac-grunwaldzki-od-zaraz-promocja-v-ix-2023-CID3-IDIiUR2.html",
  title: "2 pokoje - Plac Grunwaldzki - od zaraz - promocja V-IX 2023!",
  price: 2900,
  currency: "PLN",
  rent: 800,
  areaM2: 48,
  rooms: 2,
  pricePerM2: 60.42, // no price_per_m param on rentals: 2900 / 48
  floor: 2, // floor_select "floor_2"
  city: "Wrocław",
  district: "Śródmieście",
  olxCityId: 19701,
  region: "dolnoslaskie",
  lat: 51.11464,
  lon: 17.06436,
  isPrivate: true,
  photoUrl: "https://ireland.apollo.olxcdn.com:443/v1/files/ee1d1vfzs25z2-PL/image;s=3468x4624",
  deal: "rent",
  property: "flat",
  publishedAt: Date.parse("2023-05-20T11:32:37+02:00"), // last_refresh_time
  firstListedAt: Date.parse("2021-01-28T14:17:54+01:00"), // created_time
  bumpedAt: Date.parse("2023-05-20T11:32:37+02:00"), // pushup_time: a bump two years after the first listing
};

/**
 * Item 63496464 of the 2026 Otodom Kraków search capture in test/fixtures (an
 * agency's flat for sale in Podgórze), as parseOtodomNextData reads it but
 * without its photo. Search items carry no coordinates.
 */
export const podgorzeBalkonItem: Listing = {
  source: "otodom",
  externalId: "63496464",
  url: "https://www.otodom.pl/pl/oferta/2-pokojowe-mieszkanie-40m2-balkon-bez-prowizji-ID4iqkv",
  title: "2-pokojowe mieszkanie 40m2 + balkon Bez Prowizji",
  price: 768000,
  currency: "PLN",
  rent: null,
  areaM2: 40,
  rooms: 2,
  pricePerM2: 19200,
  floor: 3, // floorNumber "THIRD"
  city: "Kraków",
  olxCityId: null,
  region: "malopolskie",
  district: "Podgórze",
  lat: null,
  lon: null,
  isPrivate: false,
  photoUrl: null,
  deal: "sale",
  property: "flat",
  publishedAt: Date.parse("2026-04-09T17:08:40Z"),
  firstListedAt: Date.parse("2022-09-13T13:03:57+02:00"), // createdAtFirst, Warsaw wall clock
  bumpedAt: Date.parse("2026-04-09T17:08:40Z"), // pushedUpAt
};
