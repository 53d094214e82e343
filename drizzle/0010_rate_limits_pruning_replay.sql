-- One table of fixed-window counters for every limit (the bot's updates per user, /admin sign-ins per
-- address), keyed by what is limited; bot_rate's counts last 10 s, so nothing worth keeping is dropped.
CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`window_start` integer NOT NULL,
	`hits` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rate_limits_window_idx` ON `rate_limits` (`window_start`);
--> statement-breakpoint
DROP TABLE `bot_rate`;
--> statement-breakpoint
-- The pruning's bounded deletes (src/db/prune.ts) find old rows by these, not by a scan.
-- (Not notifications: an index is a row written per match, and rowid order is already match order.)
CREATE INDEX `bot_flows_updated_idx` ON `bot_flows` (`updated_at`);
--> statement-breakpoint
CREATE INDEX `used_login_links_expires_idx` ON `used_login_links` (`expires_at`);
--> statement-breakpoint
-- A dead letter put back on its queue (src/db/dead-letters.ts): replayed once.
ALTER TABLE `dead_letters` ADD `replayed_at` integer;
