CREATE TABLE `replies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`party_id` integer NOT NULL,
	`record_kind` text NOT NULL,
	`record_id` integer NOT NULL,
	`received_on` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`decision_note` text,
	`decided_on` text,
	`decided_by` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`party_id`) REFERENCES `parties`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `replies_party` ON `replies` (`party_id`);--> statement-breakpoint
CREATE TABLE `rewards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tip_id` integer NOT NULL,
	`level` integer NOT NULL,
	`fine_yuan` real NOT NULL,
	`confiscation_yuan` real NOT NULL,
	`amount_yuan` real NOT NULL,
	`decided_on` text NOT NULL,
	`decided_by` integer NOT NULL,
	`paid_on` text,
	`paid_by` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`tip_id`) REFERENCES `tips`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rewards_tip` ON `rewards` (`tip_id`);--> statement-breakpoint
ALTER TABLE `exposures` ADD `created_by` integer;--> statement-breakpoint
ALTER TABLE `honors` ADD `created_by` integer;--> statement-breakpoint
ALTER TABLE `tip_events` ADD `staff_user_id` integer;--> statement-breakpoint
ALTER TABLE `tips` ADD `decline_reason` text;--> statement-breakpoint
ALTER TABLE `tips` ADD `case_outcome` text;--> statement-breakpoint
ALTER TABLE `tips` ADD `penalty_id` integer REFERENCES penalties(id);