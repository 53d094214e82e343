-- D1 runs a migration in one transaction, where foreign_keys cannot change; nothing references
-- notifications, and defer_foreign_keys lets the rebuild check its own keys at commit.
PRAGMA defer_foreign_keys = on;--> statement-breakpoint
CREATE TABLE `__new_notifications` (
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
	`uncertain` integer DEFAULT false NOT NULL,
	`error` text,
	`error_code` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`listing_id`) REFERENCES `listings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_notifications`("id", "user_id", "listing_id", "search_id", "matched_at", "handed_at", "sent_at", "status", "digest", "mock", "uncertain", "error", "error_code") SELECT "id", "user_id", "listing_id", "search_id", "matched_at", "handed_at", "sent_at", CASE "status" WHEN 'queued' THEN 'pending' ELSE "status" END, "digest", "mock", 0, "error", "error_code" FROM `notifications`;--> statement-breakpoint
DROP TABLE `notifications`;--> statement-breakpoint
ALTER TABLE `__new_notifications` RENAME TO `notifications`;--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_user_listing_uq` ON `notifications` (`user_id`,`listing_id`);--> statement-breakpoint
CREATE INDEX `notifications_listing_idx` ON `notifications` (`listing_id`);--> statement-breakpoint
CREATE INDEX `notifications_sent_idx` ON `notifications` (`sent_at`) WHERE "notifications"."sent_at" IS NOT NULL;