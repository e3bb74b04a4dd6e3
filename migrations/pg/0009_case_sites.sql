CREATE TABLE "case_sites" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"checkpoint_id" text NOT NULL,
	"window_from" bigint NOT NULL,
	"window_to" bigint NOT NULL,
	"marked_by" text NOT NULL,
	"marked_at" bigint NOT NULL,
	"people" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "status_entries" ADD COLUMN "detail" text;--> statement-breakpoint
ALTER TABLE "case_sites" ADD CONSTRAINT "case_sites_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_sites" ADD CONSTRAINT "case_sites_checkpoint_id_checkpoints_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "checkpoints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_sites_case_ix" ON "case_sites" USING btree ("case_id","marked_at");--> statement-breakpoint
CREATE INDEX "status_entries_source_ix" ON "status_entries" USING btree ("source_id");