-- Paper codes issued, by card id (base64url of the first 12 bytes of SHA-256 of the code's jti): the status list
-- names the unexpired cards of people who are not green, never the people (shared/API.md). Rows past expires_at are
-- purged by retention.
CREATE TABLE `paper_cards` (
	`card_id` text PRIMARY KEY NOT NULL,
	`person_id` text NOT NULL,
	`issued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `paper_cards_person_expires_ix` ON `paper_cards` (`person_id`,`expires_at`);--> statement-breakpoint
CREATE INDEX `paper_cards_expires_ix` ON `paper_cards` (`expires_at`);
