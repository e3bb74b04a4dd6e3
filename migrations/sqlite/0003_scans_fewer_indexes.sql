DROP INDEX `scans_jti_ix`;--> statement-breakpoint
DROP INDEX `scans_scanned_ix`;