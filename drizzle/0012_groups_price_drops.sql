-- Issue 16, phase 2: searches that deliver to a group chat, the user's price-drop threshold, the price before a change.
CREATE TABLE `chats` (
	`chat_id` integer PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`type` text NOT NULL,
	`added_by` integer,
	`left_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`added_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
ALTER TABLE `listings` ADD `previous_price` real;--> statement-breakpoint
ALTER TABLE `saved_searches` ADD `chat_id` integer REFERENCES chats(chat_id) ON DELETE SET NULL;--> statement-breakpoint
CREATE INDEX `saved_searches_chat_idx` ON `saved_searches` (`chat_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `price_drop_pct` real;