CREATE TABLE `case_contacts` (
	`case_id` text NOT NULL,
	`person_id` text NOT NULL,
	`degree` integer NOT NULL,
	`marked_by` text NOT NULL,
	`marked_at` integer NOT NULL,
	`until` integer NOT NULL,
	`entry_id` text NOT NULL,
	PRIMARY KEY(`case_id`, `person_id`),
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `case_contacts_person_ix` ON `case_contacts` (`person_id`);--> statement-breakpoint
CREATE TABLE `cases` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text NOT NULL,
	`note_enc` text NOT NULL,
	`opened_by` text NOT NULL,
	`opened_at` integer NOT NULL,
	`closed_by` text,
	`closed_at` integer,
	`close_note_enc` text,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `cases_person_ix` ON `cases` (`person_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `cases_open_person_uq` ON `cases` (`person_id`) WHERE closed_at IS NULL;