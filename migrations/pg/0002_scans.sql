CREATE TABLE "scans" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"checkpoint_id" text NOT NULL,
	"actor_id" text NOT NULL,
	"source" text NOT NULL,
	"kind" text NOT NULL,
	"scanned_at" bigint NOT NULL,
	"received_at" bigint NOT NULL,
	"direction" text,
	"plate" text,
	"color" text NOT NULL,
	"decision" text NOT NULL,
	"reason" text,
	"jti" text,
	"offline" boolean NOT NULL,
	"request_hash" text NOT NULL,
	"flags" text
);
--> statement-breakpoint
CREATE TABLE "security_events" (
	"id" text PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL,
	"checkpoint_id" text NOT NULL,
	"actor_id" text NOT NULL,
	"source" text NOT NULL,
	"reason" text NOT NULL,
	"request_hash" text NOT NULL,
	"token_hash" text NOT NULL,
	"token_length" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "scans" ADD CONSTRAINT "scans_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scans" ADD CONSTRAINT "scans_checkpoint_id_checkpoints_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "checkpoints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scans_person_scanned_ix" ON "scans" USING btree ("person_id","scanned_at");--> statement-breakpoint
CREATE INDEX "scans_checkpoint_scanned_ix" ON "scans" USING btree ("checkpoint_id","scanned_at");--> statement-breakpoint
CREATE INDEX "scans_jti_ix" ON "scans" USING btree ("jti");--> statement-breakpoint
CREATE INDEX "scans_scanned_ix" ON "scans" USING btree ("scanned_at");--> statement-breakpoint
CREATE INDEX "security_events_at_ix" ON "security_events" USING btree ("at");