-- The demo user of `npm start`: one Telegram user with two saved searches,
-- matching what the fake sites publish (OLX flats for rent in Wrocław, Otodom
-- flats for sale in Kraków). Idempotent: safe to apply on every start.
INSERT INTO users (telegram_id, chat_id, language, created_at)
VALUES (100001, 100001, 'pl', 0)
ON CONFLICT (telegram_id) DO NOTHING;

INSERT INTO saved_searches (user_id, name, source, deal, property, city_id, price_max, created_at, updated_at)
SELECT u.id, 'Wrocław, wynajem do 6000 zł', 'olx', 'rent', 'flat', c.id, 6000, 0, 0
FROM users u, locations c
WHERE u.telegram_id = 100001 AND c.slug = 'wroclaw'
  AND NOT EXISTS (SELECT 1 FROM saved_searches s WHERE s.user_id = u.id AND s.name = 'Wrocław, wynajem do 6000 zł');

INSERT INTO saved_searches (user_id, name, source, deal, property, city_id, created_at, updated_at)
SELECT u.id, 'Kraków, mieszkania na sprzedaż', 'otodom', 'sale', 'flat', c.id, 0, 0
FROM users u, locations c
WHERE u.telegram_id = 100001 AND c.slug = 'krakow'
  AND NOT EXISTS (SELECT 1 FROM saved_searches s WHERE s.user_id = u.id AND s.name = 'Kraków, mieszkania na sprzedaż');

UPDATE settings SET value = value + 1 WHERE key = 'search_version';
