-- Issue 16, phase 1: one flat across ads (fingerprint, flat_key), bumps, price history, price medians.
ALTER TABLE `listings` ADD `floor` integer;--> statement-breakpoint
ALTER TABLE `listings` ADD `first_listed_at` integer;--> statement-breakpoint
ALTER TABLE `listings` ADD `bumped_at` integer;--> statement-breakpoint
ALTER TABLE `listings` ADD `fingerprint` text;--> statement-breakpoint
ALTER TABLE `listings` ADD `flat_key` text;--> statement-breakpoint
CREATE INDEX `listings_fingerprint_idx` ON `listings` (`fingerprint`);--> statement-breakpoint
CREATE INDEX `listings_flat_idx` ON `listings` (`flat_key`);--> statement-breakpoint
CREATE TABLE `flat_prices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`flat_key` text NOT NULL,
	`price` real NOT NULL,
	`currency` text,
	`listing_id` integer NOT NULL,
	`seen_at` integer NOT NULL,
	FOREIGN KEY (`listing_id`) REFERENCES `listings`(`id`) ON UPDATE no action ON DELETE no action
);--> statement-breakpoint
CREATE INDEX `flat_prices_flat_idx` ON `flat_prices` (`flat_key`,`seen_at`);--> statement-breakpoint
CREATE INDEX `flat_prices_listing_idx` ON `flat_prices` (`listing_id`);--> statement-breakpoint
CREATE TABLE `price_medians` (
	`deal` text NOT NULL,
	`property` text NOT NULL,
	`city_id` integer NOT NULL,
	`district` text NOT NULL,
	`rooms_band` integer NOT NULL,
	`median_per_m2` real NOT NULL,
	`n` integer NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`deal`, `property`, `city_id`, `district`, `rooms_band`),
	FOREIGN KEY (`city_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
