ALTER TABLE `users` ADD `quiet_start_min` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `quiet_end_min` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `digest_threshold` integer;