CREATE TABLE `tip_evidence` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tip_id` integer NOT NULL,
	`position` integer NOT NULL,
	`original_name` text NOT NULL,
	`media_type` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`storage_name` text NOT NULL,
	`preview_storage_name` text,
	`preview_media_type` text,
	`preview_status` text NOT NULL,
	`width` integer,
	`height` integer,
	`received_at` text NOT NULL,
	FOREIGN KEY (`tip_id`) REFERENCES `tips`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tip_evidence_tip` ON `tip_evidence` (`tip_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `tip_evidence_storage` ON `tip_evidence` (`storage_name`);