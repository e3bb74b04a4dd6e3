CREATE TABLE `area_teams` (
	`area_id` text PRIMARY KEY NOT NULL,
	`doctor_enc` text,
	`police_enc` text,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `areas` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`level` text NOT NULL,
	`parent_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `areas_parent_ix` ON `areas` (`parent_id`);--> statement-breakpoint
CREATE TABLE `duty_shifts` (
	`id` text PRIMARY KEY NOT NULL,
	`checkpoint_id` text NOT NULL,
	`user_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`checkpoint_id`) REFERENCES `checkpoints`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `duty_shifts_checkpoint_ix` ON `duty_shifts` (`checkpoint_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `duty_shifts_user_ix` ON `duty_shifts` (`user_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `high_risk_areas` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`from_at` integer NOT NULL,
	`to_at` integer,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `households` (
	`id` text PRIMARY KEY NOT NULL,
	`grid_id` text NOT NULL,
	`address_enc` text NOT NULL,
	`address_idx` text NOT NULL,
	`phone_enc` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`grid_id`) REFERENCES `grids`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `households_address_idx_uq` ON `households` (`address_idx`);--> statement-breakpoint
CREATE INDEX `households_grid_ix` ON `households` (`grid_id`);--> statement-breakpoint
CREATE TABLE `scan_hours` (
	`checkpoint_id` text NOT NULL,
	`hour` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`hour`, `checkpoint_id`)
);
--> statement-breakpoint
CREATE TABLE `screening_members` (
	`screening_id` text NOT NULL,
	`person_id` text NOT NULL,
	`round_id` text NOT NULL,
	`grid_id` text NOT NULL,
	`returned` integer NOT NULL,
	`data_enc` text NOT NULL,
	PRIMARY KEY(`screening_id`, `person_id`),
	FOREIGN KEY (`screening_id`) REFERENCES `screenings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `screening_members_round_grid_ix` ON `screening_members` (`round_id`,`grid_id`,`returned`);--> statement-breakpoint
CREATE INDEX `screening_members_person_ix` ON `screening_members` (`person_id`);--> statement-breakpoint
CREATE TABLE `screening_rounds` (
	`id` text PRIMARY KEY NOT NULL,
	`area_id` text NOT NULL,
	`name` text NOT NULL,
	`opened_by` text NOT NULL,
	`opened_at` integer NOT NULL,
	`closed_by` text,
	`closed_at` integer,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `screening_rounds_closed_ix` ON `screening_rounds` (`closed_at`,`opened_at`);--> statement-breakpoint
CREATE TABLE `screenings` (
	`id` text PRIMARY KEY NOT NULL,
	`round_id` text NOT NULL,
	`household_id` text NOT NULL,
	`grid_id` text NOT NULL,
	`present` integer NOT NULL,
	`note_enc` text,
	`screened_by` text NOT NULL,
	`screened_at` integer NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `screening_rounds`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `screenings_round_household_uq` ON `screenings` (`round_id`,`household_id`);--> statement-breakpoint
CREATE INDEX `screenings_round_grid_ix` ON `screenings` (`round_id`,`grid_id`);--> statement-breakpoint
ALTER TABLE `people` ADD `household_id` text REFERENCES households(id) ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE `people` ADD `guardian_id` text REFERENCES people(id) ON DELETE SET NULL;--> statement-breakpoint
CREATE INDEX `people_grid_ix` ON `people` (`grid_id`);--> statement-breakpoint
CREATE INDEX `people_household_ix` ON `people` (`household_id`);--> statement-breakpoint
CREATE INDEX `people_guardian_ix` ON `people` (`guardian_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `area_ids` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
CREATE INDEX `status_entries_active_ix` ON `status_entries` (`until`,`person_id`,`color`) WHERE ended_at IS NULL;--> statement-breakpoint
-- The grids made before the tree become its leaves, without a parent until an admin places them.
INSERT INTO `areas` (`id`, `name`, `level`, `parent_id`, `created_at`) SELECT `id`, `name`, 'grid', NULL, `created_at` FROM `grids`;