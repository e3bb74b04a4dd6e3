CREATE TABLE `changes` (
	`id` text PRIMARY KEY NOT NULL,
	`action` text NOT NULL,
	`case_id` text,
	`person_id` text,
	`payload_enc` text NOT NULL,
	`state` text NOT NULL,
	`requested_by_id` text NOT NULL,
	`requested_by` text NOT NULL,
	`requested_role` text NOT NULL,
	`requested_at` integer NOT NULL,
	`reds` integer DEFAULT 0 NOT NULL,
	`confirmations_needed` integer DEFAULT 1 NOT NULL,
	`confirmations` text DEFAULT '[]' NOT NULL,
	`decided_at` integer,
	`decided_by_id` text,
	`reject_reason_enc` text,
	`result_enc` text
);
--> statement-breakpoint
CREATE INDEX `changes_state_requested_ix` ON `changes` (`state`,`requested_at`);--> statement-breakpoint
CREATE INDEX `changes_author_requested_ix` ON `changes` (`requested_by_id`,`requested_at`);--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`reset_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rate_limits_reset_ix` ON `rate_limits` (`reset_at`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_declarations` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text NOT NULL,
	`at` integer NOT NULL,
	`temperature` real,
	`symptoms` text,
	`visited_high_risk_area` integer,
	`contact_with_confirmed` integer,
	`data_enc` text,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_declarations`("id", "person_id", "at", "temperature", "symptoms", "visited_high_risk_area", "contact_with_confirmed") SELECT "id", "person_id", "at", "temperature", "symptoms", "visited_high_risk_area", "contact_with_confirmed" FROM `declarations`;--> statement-breakpoint
DROP TABLE `declarations`;--> statement-breakpoint
ALTER TABLE `__new_declarations` RENAME TO `declarations`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `declarations_person_at_ix` ON `declarations` (`person_id`,`at`);--> statement-breakpoint
CREATE INDEX `declarations_at_ix` ON `declarations` (`at`);--> statement-breakpoint
ALTER TABLE `status_changes` ADD `requested_by_id` text;--> statement-breakpoint
ALTER TABLE `status_changes` ADD `confirmed_by_id` text;--> statement-breakpoint
ALTER TABLE `users` ADD `created_by` text;--> statement-breakpoint
ALTER TABLE `users` ADD `disabled_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `token_version` integer DEFAULT 0 NOT NULL;