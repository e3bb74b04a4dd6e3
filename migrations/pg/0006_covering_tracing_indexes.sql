-- Contact tracing reads scans by checkpoint and time, tens of thousands per call at a county's busy gates; through
-- (checkpoint_id, scanned_at) each of them was a look-up in the table, on a page of its own. Both checkpoint indexes
-- now cover what those reads need (person, direction, stay_start, plate, and here the scan id), so they are
-- index-only scans wherever the visibility map is current (docs/tracing.md, "How it is computed").
DROP INDEX "scans_checkpoint_scanned_ix";--> statement-breakpoint
DROP INDEX "scans_checkpoint_stay_ix";--> statement-breakpoint
CREATE INDEX "scans_checkpoint_scanned_ix" ON "scans" USING btree ("checkpoint_id","scanned_at","person_id","direction","stay_start","plate","id");--> statement-breakpoint
CREATE INDEX "scans_checkpoint_stay_ix" ON "scans" USING btree ("checkpoint_id","stay_start","scanned_at","person_id","id") WHERE stay_start IS NOT NULL;
