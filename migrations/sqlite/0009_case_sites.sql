CREATE TABLE `case_sites` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`checkpoint_id` text NOT NULL,
	`window_from` integer NOT NULL,
	`window_to` integer NOT NULL,
	`marked_by` text NOT NULL,
	`marked_at` integer NOT NULL,
	`people` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`checkpoint_id`) REFERENCES `checkpoints`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_sites_case_ix` ON `case_sites` (`case_id`,`marked_at`);--> statement-breakpoint
ALTER TABLE `status_entries` ADD `detail` text;--> statement-breakpoint
CREATE INDEX `status_entries_source_ix` ON `status_entries` (`source_id`);