CREATE TABLE `divisions` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`level` text NOT NULL,
	`parent_code` text
);
--> statement-breakpoint
CREATE TABLE `exposures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`party_id` integer,
	`subject_name` text NOT NULL,
	`place` text,
	`county_code` text,
	`findings` text NOT NULL,
	`outcome` text NOT NULL,
	`basis_kind` text NOT NULL,
	`basis_ref` text NOT NULL,
	`published_on` text NOT NULL,
	`withdrawn_on` text,
	`source` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`party_id`) REFERENCES `parties`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`county_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exposures_slug` ON `exposures` (`slug`);--> statement-breakpoint
CREATE INDEX `exposures_published` ON `exposures` (`published_on`);--> statement-breakpoint
CREATE TABLE `honors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`party_id` integer NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`year` integer NOT NULL,
	`authority` text NOT NULL,
	`document_no` text,
	`valid_until` text,
	`withdrawn_on` text,
	`source` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`party_id`) REFERENCES `parties`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `honors_party` ON `honors` (`party_id`);--> statement-breakpoint
CREATE TABLE `inspections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`party_id` integer NOT NULL,
	`inspected_on` text NOT NULL,
	`kind` text NOT NULL,
	`authority` text NOT NULL,
	`result` text NOT NULL,
	`findings` text,
	`rectification` text NOT NULL,
	`rectified_on` text,
	`source_ref` text,
	`source` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`party_id`) REFERENCES `parties`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `inspections_party` ON `inspections` (`party_id`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `parties` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`registration_no` text,
	`uscc` text,
	`operator_name` text,
	`address` text,
	`county_code` text,
	`city_code` text,
	`food_categories` text DEFAULT '[]' NOT NULL,
	`products` text DEFAULT '[]' NOT NULL,
	`registered_on` text,
	`valid_until` text,
	`registration_status` text,
	`risk_level` text,
	`processing_zone` text,
	`heritage` integer DEFAULT false NOT NULL,
	`serious_list_until` text,
	`lat` real,
	`lng` real,
	`source` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`county_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`city_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `parties_registration_no` ON `parties` (`registration_no`);--> statement-breakpoint
CREATE INDEX `parties_uscc` ON `parties` (`uscc`);--> statement-breakpoint
CREATE INDEX `parties_name` ON `parties` (`name`);--> statement-breakpoint
CREATE INDEX `parties_county` ON `parties` (`county_code`);--> statement-breakpoint
CREATE TABLE `penalties` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`party_id` integer NOT NULL,
	`decision_no` text,
	`case_name` text,
	`violation_type` text,
	`facts` text,
	`violated_provision` text,
	`legal_basis` text,
	`penalty_kinds` text NOT NULL,
	`penalty_content` text,
	`fine_yuan` real,
	`confiscation_yuan` real,
	`decided_on` text,
	`authority` text,
	`disclosure_start` text,
	`published_disclosure_end` text,
	`transferred_to_police` integer DEFAULT false NOT NULL,
	`repaired_on` text,
	`announcement_title` text,
	`announcement_date` text,
	`source_url` text,
	`source_note` text,
	`source` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`party_id`) REFERENCES `parties`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `penalties_party` ON `penalties` (`party_id`);--> statement-breakpoint
CREATE INDEX `penalties_decision` ON `penalties` (`decision_no`);--> statement-breakpoint
CREATE TABLE `sampling_failed_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sampling_test_id` integer NOT NULL,
	`position` integer NOT NULL,
	`item` text NOT NULL,
	`unit` text,
	`measured_text` text,
	`measured_values` text DEFAULT '[]' NOT NULL,
	`limit_text` text,
	`limit` text,
	`standard` text,
	FOREIGN KEY (`sampling_test_id`) REFERENCES `sampling_tests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `failed_items_test` ON `sampling_failed_items` (`sampling_test_id`);--> statement-breakpoint
CREATE TABLE `sampling_tests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`party_id` integer NOT NULL,
	`producer_name` text,
	`producer_address` text,
	`sampled_unit_name` text,
	`sampled_unit_address` text,
	`product_name` text NOT NULL,
	`spec` text,
	`brand` text,
	`batch` text,
	`sampled_on` text,
	`food_category` text,
	`result` text NOT NULL,
	`testing_agency` text,
	`announcement_title` text,
	`announcement_no` text,
	`announcement_date` text,
	`authority` text,
	`disposal` text DEFAULT 'none' NOT NULL,
	`disposal_done_on` text,
	`remarks` text,
	`source_url` text,
	`source_note` text,
	`source` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`party_id`) REFERENCES `parties`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sampling_party` ON `sampling_tests` (`party_id`);--> statement-breakpoint
CREATE TABLE `tip_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tip_id` integer NOT NULL,
	`status` text NOT NULL,
	`at` text NOT NULL,
	`note` text,
	FOREIGN KEY (`tip_id`) REFERENCES `tips`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tip_events_tip` ON `tip_events` (`tip_id`);--> statement-breakpoint
CREATE TABLE `tips` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`receipt_no` text NOT NULL,
	`access_code_hash` text NOT NULL,
	`submission_token` text NOT NULL,
	`status` text NOT NULL,
	`party_id` integer,
	`subject_name` text NOT NULL,
	`subject_place` text,
	`subject_county_code` text,
	`category` text NOT NULL,
	`description` text NOT NULL,
	`occurred_on` text,
	`reporter_mode` text NOT NULL,
	`reporter_ciphertext` text,
	`wrapped_data_key` text,
	`key_id` text,
	`submitted_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`party_id`) REFERENCES `parties`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subject_county_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tips_receipt_no` ON `tips` (`receipt_no`);--> statement-breakpoint
CREATE UNIQUE INDEX `tips_submission_token` ON `tips` (`submission_token`);