-- Cities and districts users search in, with what each site needs to be asked about them.
-- olx_city_id / olx_district_id: only where a real capture shows them (test/fixtures/olx:
--   ads[].location of the 2023 all-Poland list page, and the 2023 Wrocław API offer);
--   NULL otherwise: the bot resolves them later through OLX's friendly-links API (when a
--   user pastes a search link); until then such a city is not fetched from OLX.
-- olx_region_id: OLX's voivodeship id, as the same captures show it for a town of that
--   voivodeship (Pomorskie 5 from Pruszcz Gdański, Łódzkie 7 from Ozorków, ...).
-- otodom_path: Otodom's 2026 location path. Warszawa's, Kraków's and Poznań's are in the
--   captures; the others follow the same voivodeship/city/city/city pattern of cities with
--   county rights (inferred, not captured), with Otodom's "--" for a hyphen in a name.
-- lat/lon: approximate public centroids (4 decimals; districts: of the area where listings
--   are), for radius searches on listings without coordinates (most Otodom search items).
-- District names are spelled as the sites give them in listings; they are compared folded.

INSERT INTO locations (kind, slug, name, olx_city_id, olx_region_id, otodom_path, lat, lon) VALUES
  ('city', 'warszawa', 'Warszawa', 17871, 2, 'mazowieckie/warszawa/warszawa/warszawa', 52.2297, 21.0122),
  ('city', 'krakow', 'Kraków', 8959, 4, 'malopolskie/krakow/krakow/krakow', 50.0647, 19.945),
  ('city', 'wroclaw', 'Wrocław', 19701, 3, 'dolnoslaskie/wroclaw/wroclaw/wroclaw', 51.1079, 17.0385),
  ('city', 'poznan', 'Poznań', 13983, 1, 'wielkopolskie/poznan/poznan/poznan', 52.4064, 16.9252),
  ('city', 'lublin', 'Lublin', 10119, 8, 'lubelskie/lublin/lublin/lublin', 51.2465, 22.5684),
  ('city', 'bydgoszcz', 'Bydgoszcz', 4019, 15, 'kujawsko--pomorskie/bydgoszcz/bydgoszcz/bydgoszcz', 53.1235, 18.0084),
  ('city', 'rzeszow', 'Rzeszów', 15241, 17, 'podkarpackie/rzeszow/rzeszow/rzeszow', 50.0412, 21.9991),
  ('city', 'kielce', 'Kielce', 7971, 13, 'swietokrzyskie/kielce/kielce/kielce', 50.8661, 20.6286),
  ('city', 'gdansk', 'Gdańsk', NULL, 5, 'pomorskie/gdansk/gdansk/gdansk', 54.352, 18.6466),
  ('city', 'gdynia', 'Gdynia', NULL, 5, 'pomorskie/gdynia/gdynia/gdynia', 54.5189, 18.5305),
  ('city', 'sopot', 'Sopot', NULL, 5, 'pomorskie/sopot/sopot/sopot', 54.4418, 18.5601),
  ('city', 'lodz', 'Łódź', NULL, 7, 'lodzkie/lodz/lodz/lodz', 51.7592, 19.456),
  ('city', 'katowice', 'Katowice', NULL, 6, 'slaskie/katowice/katowice/katowice', 50.2649, 19.0238),
  ('city', 'szczecin', 'Szczecin', NULL, 11, 'zachodniopomorskie/szczecin/szczecin/szczecin', 53.4285, 14.5528),
  ('city', 'bialystok', 'Białystok', NULL, 18, 'podlaskie/bialystok/bialystok/bialystok', 53.1325, 23.1688),
  ('city', 'torun', 'Toruń', NULL, 15, 'kujawsko--pomorskie/torun/torun/torun', 53.0138, 18.5984),
  ('city', 'olsztyn', 'Olsztyn', NULL, 14, 'warminsko--mazurskie/olsztyn/olsztyn/olsztyn', 53.7784, 20.4801),
  ('city', 'opole', 'Opole', NULL, 12, 'opolskie/opole/opole/opole', 50.6751, 17.9213);
--> statement-breakpoint
INSERT INTO locations (kind, slug, name, parent_id, olx_district_id, lat, lon)
SELECT 'district', v.column1, v.column2, c.id, v.column3, v.column4, v.column5
FROM (VALUES
    ('warszawa/bemowo', 'Bemowo', NULL, 52.2546, 20.909),
    ('warszawa/bialoleka', 'Białołęka', NULL, 52.3195, 20.973),
    ('warszawa/bielany', 'Bielany', NULL, 52.2906, 20.936),
    ('warszawa/mokotow', 'Mokotów', NULL, 52.193, 21.035),
    ('warszawa/ochota', 'Ochota', NULL, 52.2125, 20.972),
    ('warszawa/praga-poludnie', 'Praga-Południe', NULL, 52.239, 21.084),
    ('warszawa/praga-polnoc', 'Praga-Północ', NULL, 52.257, 21.035),
    ('warszawa/rembertow', 'Rembertów', NULL, 52.26, 21.16),
    ('warszawa/srodmiescie', 'Śródmieście', NULL, 52.231, 21.015),
    ('warszawa/targowek', 'Targówek', NULL, 52.29, 21.05),
    ('warszawa/ursus', 'Ursus', NULL, 52.195, 20.883),
    ('warszawa/ursynow', 'Ursynów', NULL, 52.14, 21.04),
    ('warszawa/wawer', 'Wawer', NULL, 52.196, 21.173),
    ('warszawa/wesola', 'Wesoła', NULL, 52.245, 21.22),
    ('warszawa/wilanow', 'Wilanów', NULL, 52.165, 21.09),
    ('warszawa/wlochy', 'Włochy', NULL, 52.193, 20.93),
    ('warszawa/wola', 'Wola', 359, 52.236, 20.96),
    ('warszawa/zoliborz', 'Żoliborz', NULL, 52.269, 20.985)
  ) v JOIN locations c ON c.slug = 'warszawa';
--> statement-breakpoint
INSERT INTO locations (kind, slug, name, parent_id, olx_district_id, lat, lon)
SELECT 'district', v.column1, v.column2, c.id, v.column3, v.column4, v.column5
FROM (VALUES
    ('krakow/stare-miasto', 'Stare Miasto', NULL, 50.0614, 19.9372),
    ('krakow/grzegorzki', 'Grzegórzki', NULL, 50.059, 19.966),
    ('krakow/pradnik-czerwony', 'Prądnik Czerwony', NULL, 50.092, 19.969),
    ('krakow/pradnik-bialy', 'Prądnik Biały', 275, 50.095, 19.925),
    ('krakow/krowodrza', 'Krowodrza', 255, 50.075, 19.92),
    ('krakow/bronowice', 'Bronowice', 259, 50.081, 19.888),
    ('krakow/zwierzyniec', 'Zwierzyniec', NULL, 50.056, 19.88),
    ('krakow/debniki', 'Dębniki', 261, 50.036, 19.915),
    ('krakow/lagiewniki-borek-falecki', 'Łagiewniki-Borek Fałęcki', NULL, 50.022, 19.934),
    ('krakow/swoszowice', 'Swoszowice', NULL, 49.995, 19.935),
    ('krakow/podgorze-duchackie', 'Podgórze Duchackie', 269, 50.013, 19.96),
    ('krakow/biezanow-prokocim', 'Bieżanów-Prokocim', NULL, 50.02, 20.01),
    ('krakow/podgorze', 'Podgórze', 263, 50.043, 19.96),
    ('krakow/czyzyny', 'Czyżyny', 283, 50.071, 20.01),
    ('krakow/mistrzejowice', 'Mistrzejowice', NULL, 50.096, 20.003),
    ('krakow/bienczyce', 'Bieńczyce', 285, 50.087, 20.025),
    ('krakow/wzgorza-krzeslawickie', 'Wzgórza Krzesławickie', NULL, 50.098, 20.065),
    ('krakow/nowa-huta', 'Nowa Huta', NULL, 50.07, 20.075)
  ) v JOIN locations c ON c.slug = 'krakow';
--> statement-breakpoint
INSERT INTO locations (kind, slug, name, parent_id, olx_district_id, lat, lon)
SELECT 'district', v.column1, v.column2, c.id, v.column3, v.column4, v.column5
FROM (VALUES
    ('wroclaw/stare-miasto', 'Stare Miasto', NULL, 51.11, 17.032),
    ('wroclaw/srodmiescie', 'Śródmieście', 387, 51.119, 17.056),
    ('wroclaw/krzyki', 'Krzyki', 391, 51.08, 17.02),
    ('wroclaw/fabryczna', 'Fabryczna', NULL, 51.12, 16.95),
    ('wroclaw/psie-pole', 'Psie Pole', NULL, 51.15, 17.07)
  ) v JOIN locations c ON c.slug = 'wroclaw';
--> statement-breakpoint
-- Poznań: Otodom names the five dzielnice ("Grunwald" in the 2026 capture); OLX names
-- osiedla ("Winiary", district 725 in the 2023 capture), so the common ones are here too.
INSERT INTO locations (kind, slug, name, parent_id, olx_district_id, lat, lon)
SELECT 'district', v.column1, v.column2, c.id, v.column3, v.column4, v.column5
FROM (VALUES
    ('poznan/stare-miasto', 'Stare Miasto', NULL, 52.43, 16.93),
    ('poznan/nowe-miasto', 'Nowe Miasto', NULL, 52.39, 17.0),
    ('poznan/jezyce', 'Jeżyce', NULL, 52.42, 16.87),
    ('poznan/grunwald', 'Grunwald', NULL, 52.385, 16.87),
    ('poznan/wilda', 'Wilda', NULL, 52.385, 16.925),
    ('poznan/winiary', 'Winiary', 725, 52.435, 16.912),
    ('poznan/winogrady', 'Winogrady', NULL, 52.433, 16.937),
    ('poznan/piatkowo', 'Piątkowo', NULL, 52.458, 16.905),
    ('poznan/rataje', 'Rataje', NULL, 52.392, 16.963),
    ('poznan/lazarz', 'Łazarz', NULL, 52.395, 16.893)
  ) v JOIN locations c ON c.slug = 'poznan';
--> statement-breakpoint
INSERT INTO locations (kind, slug, name, parent_id, olx_district_id, lat, lon)
SELECT 'district', v.column1, v.column2, c.id, v.column3, v.column4, v.column5
FROM (VALUES
    ('gdansk/srodmiescie', 'Śródmieście', NULL, 54.348, 18.653),
    ('gdansk/wrzeszcz-gorny', 'Wrzeszcz Górny', NULL, 54.374, 18.605),
    ('gdansk/wrzeszcz-dolny', 'Wrzeszcz Dolny', NULL, 54.383, 18.62),
    ('gdansk/oliwa', 'Oliwa', NULL, 54.411, 18.56),
    ('gdansk/przymorze-wielkie', 'Przymorze Wielkie', NULL, 54.407, 18.597),
    ('gdansk/przymorze-male', 'Przymorze Małe', NULL, 54.4, 18.61),
    ('gdansk/zaspa-mlyniec', 'Zaspa-Młyniec', NULL, 54.392, 18.597),
    ('gdansk/zaspa-rozstaje', 'Zaspa-Rozstaje', NULL, 54.388, 18.585),
    ('gdansk/zabianka-wejhera-jelitkowo-tysiaclecia', 'Żabianka-Wejhera-Jelitkowo-Tysiąclecia', NULL, 54.425, 18.59),
    ('gdansk/brzezno', 'Brzeźno', NULL, 54.408, 18.625),
    ('gdansk/letnica', 'Letnica', NULL, 54.393, 18.64),
    ('gdansk/mlyniska', 'Młyniska', NULL, 54.375, 18.64),
    ('gdansk/aniolki', 'Aniołki', NULL, 54.362, 18.64),
    ('gdansk/siedlce', 'Siedlce', NULL, 54.355, 18.62),
    ('gdansk/piecki-migowo', 'Piecki-Migowo', NULL, 54.36, 18.575),
    ('gdansk/osowa', 'Osowa', NULL, 54.425, 18.47),
    ('gdansk/jasien', 'Jasień', NULL, 54.335, 18.565),
    ('gdansk/chelm', 'Chełm', NULL, 54.334, 18.62),
    ('gdansk/ujescisko-lostowice', 'Ujeścisko-Łostowice', NULL, 54.315, 18.585),
    ('gdansk/orunia-gorna-gdansk-poludnie', 'Orunia Górna-Gdańsk Południe', NULL, 54.318, 18.6),
    ('gdansk/orunia-sw-wojciech-lipce', 'Orunia-Św. Wojciech-Lipce', NULL, 54.325, 18.66),
    ('gdansk/stogi', 'Stogi', NULL, 54.37, 18.72)
  ) v JOIN locations c ON c.slug = 'gdansk';
--> statement-breakpoint
INSERT INTO locations (kind, slug, name, parent_id, olx_district_id, lat, lon)
SELECT 'district', v.column1, v.column2, c.id, v.column3, v.column4, v.column5
FROM (VALUES
    ('lodz/baluty', 'Bałuty', NULL, 51.8, 19.44),
    ('lodz/gorna', 'Górna', NULL, 51.72, 19.47),
    ('lodz/polesie', 'Polesie', NULL, 51.76, 19.4),
    ('lodz/srodmiescie', 'Śródmieście', NULL, 51.77, 19.46),
    ('lodz/widzew', 'Widzew', NULL, 51.76, 19.53)
  ) v JOIN locations c ON c.slug = 'lodz';
--> statement-breakpoint
INSERT INTO settings (key, value) VALUES ('search_version', 1) ON CONFLICT (key) DO NOTHING;
