CREATE TABLE `bot_flows` (
	`telegram_id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`step` text NOT NULL,
	`state` text NOT NULL,
	`search_id` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `bot_rate` (
	`telegram_id` integer PRIMARY KEY NOT NULL,
	`window_start` integer NOT NULL,
	`hits` integer NOT NULL
);
