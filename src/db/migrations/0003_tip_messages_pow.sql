CREATE TABLE `tip_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tip_id` integer NOT NULL,
	`author` text NOT NULL,
	`ciphertext` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`tip_id`) REFERENCES `tips`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tip_messages_tip` ON `tip_messages` (`tip_id`);--> statement-breakpoint
ALTER TABLE `tip_evidence` ADD `message_id` integer;--> statement-breakpoint
ALTER TABLE `tips` ADD `proof_of_work` integer DEFAULT false NOT NULL;