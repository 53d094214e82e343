ALTER TABLE `listings` ADD `city_id` integer REFERENCES locations(id);--> statement-breakpoint
-- A listing's own city; the ones stored so far take their per-city feed's.
UPDATE `listings` SET `city_id` = (SELECT `city_id` FROM `feeds` WHERE `feeds`.`id` = `listings`.`feed_id`);--> statement-breakpoint
CREATE INDEX `listings_city_idx` ON `listings` (`city_id`);--> statement-breakpoint
ALTER TABLE `locations` ADD `region` text;