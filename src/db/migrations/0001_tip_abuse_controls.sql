CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`window_start` text NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `track_attempts` (
	`receipt_no` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`last_failure_at` text NOT NULL,
	`locked_until` text
);
--> statement-breakpoint
ALTER TABLE `tips` ADD `duplicate_of_tip_id` integer;--> statement-breakpoint
CREATE INDEX `tips_submitted` ON `tips` (`submitted_at`);