-- Feeds become national (source + deal + property, "pl" or a voivodeship as
-- their scope), each polled by its own FeedPoller Durable Object. The old
-- per-city feeds are dropped; listings keep their city (0006) and forget the
-- feed that found them. The reconciler creates the national feeds from the
-- saved searches on its first run. Pollers remember what they saw, so the
-- cycle counter listings carried for retirement goes.
UPDATE `listings` SET `feed_id` = NULL;--> statement-breakpoint
DROP TABLE `feeds`;--> statement-breakpoint
CREATE TABLE `feeds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`deal` text NOT NULL,
	`property` text NOT NULL,
	`scope` text DEFAULT 'pl' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`subscribers` integer DEFAULT 0 NOT NULL,
	`share_per_min` real DEFAULT 0 NOT NULL,
	`stats` text,
	`stats_at` integer,
	`created_at` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feeds_key_uq` ON `feeds` (`source`,`deal`,`property`,`scope`);--> statement-breakpoint
CREATE INDEX `feeds_active_idx` ON `feeds` (`active`);--> statement-breakpoint
DROP INDEX `listings_feed_cycle_idx`;--> statement-breakpoint
CREATE INDEX `listings_feed_idx` ON `listings` (`feed_id`);--> statement-breakpoint
ALTER TABLE `listings` DROP COLUMN `last_seen_cycle`;
