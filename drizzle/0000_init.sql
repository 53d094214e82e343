CREATE TABLE `dead_letters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`queue` text NOT NULL,
	`body` text NOT NULL,
	`attempts` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dead_letters_received_idx` ON `dead_letters` (`received_at`);--> statement-breakpoint
CREATE TABLE `feeds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`deal` text NOT NULL,
	`property` text NOT NULL,
	`city_id` integer NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`subscribers` integer DEFAULT 0 NOT NULL,
	`interval_s` integer DEFAULT 60 NOT NULL,
	`next_due_at` integer DEFAULT 0 NOT NULL,
	`baseline_at` integer,
	`last_run_at` integer,
	`last_success_at` integer,
	`last_error_at` integer,
	`last_error` text,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`last_duration_ms` integer,
	`last_seen` integer,
	`last_new` integer,
	`blocked_until` integer,
	`block_alerted_at` integer,
	`cycle` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`city_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feeds_key_uq` ON `feeds` (`source`,`deal`,`property`,`city_id`);--> statement-breakpoint
CREATE INDEX `feeds_due_idx` ON `feeds` (`active`,`next_due_at`);--> statement-breakpoint
CREATE INDEX `feeds_city_idx` ON `feeds` (`city_id`);--> statement-breakpoint
CREATE TABLE `listings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`external_id` text NOT NULL,
	`dedup_key` text NOT NULL,
	`duplicate_of` integer,
	`feed_id` integer,
	`url` text NOT NULL,
	`title` text NOT NULL,
	`price` real,
	`currency` text,
	`rent` real,
	`area_m2` real,
	`rooms` integer,
	`price_per_m2` real,
	`city` text,
	`district` text,
	`lat` real,
	`lon` real,
	`is_private` integer,
	`photo_url` text,
	`deal` text,
	`property` text,
	`published_at` integer,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`last_seen_cycle` integer DEFAULT 0 NOT NULL,
	`seen_count` integer DEFAULT 1 NOT NULL,
	`notify` integer NOT NULL,
	`enqueued_at` integer,
	`filtered_at` integer,
	`inactive_at` integer,
	FOREIGN KEY (`feed_id`) REFERENCES `feeds`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `listings_source_external_uq` ON `listings` (`source`,`external_id`);--> statement-breakpoint
CREATE INDEX `listings_dedup_idx` ON `listings` (`dedup_key`);--> statement-breakpoint
CREATE INDEX `listings_feed_cycle_idx` ON `listings` (`feed_id`,`last_seen_cycle`);--> statement-breakpoint
CREATE INDEX `listings_unqueued_idx` ON `listings` (`first_seen_at`) WHERE "listings"."notify" = 1 AND "listings"."enqueued_at" IS NULL;--> statement-breakpoint
CREATE INDEX `listings_first_seen_idx` ON `listings` (`first_seen_at`);--> statement-breakpoint
CREATE TABLE `locations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`parent_id` integer,
	`olx_city_id` integer,
	`olx_region_id` integer,
	`olx_district_id` integer,
	`otodom_path` text,
	`lat` real,
	`lon` real,
	FOREIGN KEY (`parent_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `locations_slug_uq` ON `locations` (`slug`);--> statement-breakpoint
CREATE INDEX `locations_parent_idx` ON `locations` (`parent_id`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`listing_id` integer NOT NULL,
	`search_id` integer,
	`matched_at` integer NOT NULL,
	`handed_at` integer,
	`sent_at` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`digest` integer DEFAULT false NOT NULL,
	`mock` integer DEFAULT false NOT NULL,
	`error` text,
	`error_code` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`listing_id`) REFERENCES `listings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`search_id`) REFERENCES `saved_searches`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_user_listing_uq` ON `notifications` (`user_id`,`listing_id`);--> statement-breakpoint
CREATE INDEX `notifications_listing_idx` ON `notifications` (`listing_id`);--> statement-breakpoint
CREATE INDEX `notifications_search_idx` ON `notifications` (`search_id`);--> statement-breakpoint
CREATE INDEX `notifications_pending_idx` ON `notifications` (`listing_id`) WHERE "notifications"."handed_at" IS NULL;--> statement-breakpoint
CREATE INDEX `notifications_sent_idx` ON `notifications` (`sent_at`);--> statement-breakpoint
CREATE TABLE `saved_searches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`source` text,
	`deal` text NOT NULL,
	`property` text NOT NULL,
	`city_id` integer NOT NULL,
	`price_min` real,
	`price_max` real,
	`area_min` real,
	`area_max` real,
	`rooms_min` integer,
	`rooms_max` integer,
	`price_per_m2_min` real,
	`price_per_m2_max` real,
	`districts` text,
	`lat` real,
	`lon` real,
	`radius_km` real,
	`include_keywords` text,
	`exclude_keywords` text,
	`private_only` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`city_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `saved_searches_user_idx` ON `saved_searches` (`user_id`);--> statement-breakpoint
CREATE INDEX `saved_searches_city_active_idx` ON `saved_searches` (`city_id`,`active`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`telegram_id` integer NOT NULL,
	`chat_id` integer NOT NULL,
	`language` text DEFAULT 'pl' NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`blocked_at` integer,
	`is_mock` integer DEFAULT false NOT NULL,
	`is_admin` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_telegram_id_uq` ON `users` (`telegram_id`);