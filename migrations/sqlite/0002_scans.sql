CREATE TABLE `scans` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text NOT NULL,
	`checkpoint_id` text NOT NULL,
	`actor_id` text NOT NULL,
	`source` text NOT NULL,
	`kind` text NOT NULL,
	`scanned_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`direction` text,
	`plate` text,
	`color` text NOT NULL,
	`decision` text NOT NULL,
	`reason` text,
	`jti` text,
	`offline` integer NOT NULL,
	`request_hash` text NOT NULL,
	`flags` text,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`checkpoint_id`) REFERENCES `checkpoints`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `scans_person_scanned_ix` ON `scans` (`person_id`,`scanned_at`);--> statement-breakpoint
CREATE INDEX `scans_checkpoint_scanned_ix` ON `scans` (`checkpoint_id`,`scanned_at`);--> statement-breakpoint
CREATE INDEX `scans_jti_ix` ON `scans` (`jti`);--> statement-breakpoint
CREATE INDEX `scans_scanned_ix` ON `scans` (`scanned_at`);--> statement-breakpoint
CREATE TABLE `security_events` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`checkpoint_id` text NOT NULL,
	`actor_id` text NOT NULL,
	`source` text NOT NULL,
	`reason` text NOT NULL,
	`request_hash` text NOT NULL,
	`token_hash` text NOT NULL,
	`token_length` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `security_events_at_ix` ON `security_events` (`at`);