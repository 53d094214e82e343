-- OLX ids the seed (0001) lacked, from public code that captured or used them
-- (found 2026-11-25; each block names its source). Only empty ids are filled:
-- where the seed already had one from our own captures, it agrees with these.
--
-- Cities: sancarhuseyin/poland-scanner poland_scanner.py l.63-70 @ b1590bc3; Gdańsk's 5659
-- also in a saved OLX page (PatrykPodworski/Mieszkando Tests/Samples/OlxSampleHtml.txt, `var city_id='5659'`).
UPDATE locations SET olx_city_id = 5659 WHERE slug = 'gdansk' AND olx_city_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_city_id = 10609 WHERE slug = 'lodz' AND olx_city_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_city_id = 7691 WHERE slug = 'katowice' AND olx_city_id IS NULL;--> statement-breakpoint
-- Warszawa districts: footer links with their names in a saved OLX list page
-- (marcin-mazurek/property-search-engine server/tests/_fixtures/olx-multi-page.ts @ 1579542a).
UPDATE locations SET olx_district_id = 365 WHERE kind = 'district' AND name = 'Białołęka' AND parent_id = (SELECT id FROM locations WHERE slug = 'warszawa') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 355 WHERE kind = 'district' AND name = 'Ochota' AND parent_id = (SELECT id FROM locations WHERE slug = 'warszawa') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 351 WHERE kind = 'district' AND name = 'Śródmieście' AND parent_id = (SELECT id FROM locations WHERE slug = 'warszawa') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 359 WHERE kind = 'district' AND name = 'Wola' AND parent_id = (SELECT id FROM locations WHERE slug = 'warszawa') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 371 WHERE kind = 'district' AND name = 'Ursus' AND parent_id = (SELECT id FROM locations WHERE slug = 'warszawa') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 361 WHERE kind = 'district' AND name = 'Rembertów' AND parent_id = (SELECT id FROM locations WHERE slug = 'warszawa') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 377 WHERE kind = 'district' AND name = 'Targówek' AND parent_id = (SELECT id FROM locations WHERE slug = 'warszawa') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 357 WHERE kind = 'district' AND name = 'Włochy' AND parent_id = (SELECT id FROM locations WHERE slug = 'warszawa') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 369 WHERE kind = 'district' AND name = 'Bielany' AND parent_id = (SELECT id FROM locations WHERE slug = 'warszawa') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 383 WHERE kind = 'district' AND name = 'Wawer' AND parent_id = (SELECT id FROM locations WHERE slug = 'warszawa') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 367 WHERE kind = 'district' AND name = 'Bemowo' AND parent_id = (SELECT id FROM locations WHERE slug = 'warszawa') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 373 WHERE kind = 'district' AND name = 'Ursynów' AND parent_id = (SELECT id FROM locations WHERE slug = 'warszawa') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 353 WHERE kind = 'district' AND name = 'Mokotów' AND parent_id = (SELECT id FROM locations WHERE slug = 'warszawa') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 533 WHERE kind = 'district' AND name = 'Wesoła' AND parent_id = (SELECT id FROM locations WHERE slug = 'warszawa') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 381 WHERE kind = 'district' AND name = 'Praga-Południe' AND parent_id = (SELECT id FROM locations WHERE slug = 'warszawa') AND olx_district_id IS NULL;--> statement-breakpoint
-- Kraków districts: window.__PRERENDERED_STATE__ of a saved OLX list page
-- (marcmos/flatscraper testfiles/olx-list.html @ e1df61c4).
UPDATE locations SET olx_district_id = 255 WHERE kind = 'district' AND name = 'Krowodrza' AND parent_id = (SELECT id FROM locations WHERE slug = 'krakow') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 257 WHERE kind = 'district' AND name = 'Zwierzyniec' AND parent_id = (SELECT id FROM locations WHERE slug = 'krakow') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 259 WHERE kind = 'district' AND name = 'Bronowice' AND parent_id = (SELECT id FROM locations WHERE slug = 'krakow') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 261 WHERE kind = 'district' AND name = 'Dębniki' AND parent_id = (SELECT id FROM locations WHERE slug = 'krakow') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 263 WHERE kind = 'district' AND name = 'Podgórze' AND parent_id = (SELECT id FROM locations WHERE slug = 'krakow') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 267 WHERE kind = 'district' AND name = 'Swoszowice' AND parent_id = (SELECT id FROM locations WHERE slug = 'krakow') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 269 WHERE kind = 'district' AND name = 'Podgórze Duchackie' AND parent_id = (SELECT id FROM locations WHERE slug = 'krakow') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 271 WHERE kind = 'district' AND name = 'Bieżanów-Prokocim' AND parent_id = (SELECT id FROM locations WHERE slug = 'krakow') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 273 WHERE kind = 'district' AND name = 'Stare Miasto' AND parent_id = (SELECT id FROM locations WHERE slug = 'krakow') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 275 WHERE kind = 'district' AND name = 'Prądnik Biały' AND parent_id = (SELECT id FROM locations WHERE slug = 'krakow') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 279 WHERE kind = 'district' AND name = 'Grzegórzki' AND parent_id = (SELECT id FROM locations WHERE slug = 'krakow') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 283 WHERE kind = 'district' AND name = 'Czyżyny' AND parent_id = (SELECT id FROM locations WHERE slug = 'krakow') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 287 WHERE kind = 'district' AND name = 'Nowa Huta' AND parent_id = (SELECT id FROM locations WHERE slug = 'krakow') AND olx_district_id IS NULL;--> statement-breakpoint
UPDATE locations SET olx_district_id = 463 WHERE kind = 'district' AND name = 'Mistrzejowice' AND parent_id = (SELECT id FROM locations WHERE slug = 'krakow') AND olx_district_id IS NULL;
