CREATE TABLE `appeals` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text NOT NULL,
	`message` text NOT NULL,
	`created_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`status` text NOT NULL,
	`outcome` text,
	`note` text,
	`resolved_by` text,
	`resolved_at` integer,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `appeals_status_due_ix` ON `appeals` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `appeals_person_ix` ON `appeals` (`person_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`seq` integer PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`role` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`purpose` text,
	`hash` text NOT NULL,
	`prev_hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_target_ix` ON `audit_log` (`target`,`seq`);--> statement-breakpoint
CREATE TABLE `checkpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`grid_id` text,
	`lat` real,
	`lon` real,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`grid_id`) REFERENCES `grids`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `declarations` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text NOT NULL,
	`at` integer NOT NULL,
	`temperature` real NOT NULL,
	`symptoms` text NOT NULL,
	`visited_high_risk_area` integer NOT NULL,
	`contact_with_confirmed` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `declarations_person_at_ix` ON `declarations` (`person_id`,`at`);--> statement-breakpoint
CREATE INDEX `declarations_at_ix` ON `declarations` (`at`);--> statement-breakpoint
CREATE TABLE `grids` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `otps` (
	`id` text PRIMARY KEY NOT NULL,
	`phone_idx` text NOT NULL,
	`code_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
CREATE INDEX `otps_phone_created_ix` ON `otps` (`phone_idx`,`created_at`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` text PRIMARY KEY NOT NULL,
	`name_enc` text,
	`id_number_enc` text,
	`id_number_idx` text,
	`phone_enc` text,
	`phone_idx` text,
	`grid_id` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`grid_id`) REFERENCES `grids`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `people_id_number_idx_uq` ON `people` (`id_number_idx`);--> statement-breakpoint
CREATE UNIQUE INDEX `people_phone_idx_uq` ON `people` (`phone_idx`);--> statement-breakpoint
CREATE TABLE `status_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text NOT NULL,
	`color` text NOT NULL,
	`reason` text NOT NULL,
	`state` text NOT NULL,
	`requested_by` text NOT NULL,
	`requested_at` integer NOT NULL,
	`confirmed_by` text,
	`confirmed_at` integer,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `status_changes_person_ix` ON `status_changes` (`person_id`);--> statement-breakpoint
CREATE TABLE `status_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text NOT NULL,
	`rule` text NOT NULL,
	`color` text NOT NULL,
	`since` integer NOT NULL,
	`until` integer,
	`ended_at` integer,
	`ended_by` text,
	`actor` text NOT NULL,
	`reason` text,
	`source_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `status_entries_person_ix` ON `status_entries` (`person_id`,`since`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`checkpoint_ids` text DEFAULT '[]' NOT NULL,
	`grid_ids` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_uq` ON `users` (`username`);