CREATE TABLE "appeals" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"message" text NOT NULL,
	"created_at" bigint NOT NULL,
	"due_at" bigint NOT NULL,
	"status" text NOT NULL,
	"outcome" text,
	"note" text,
	"resolved_by" text,
	"resolved_at" bigint
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL,
	"actor" text NOT NULL,
	"role" text NOT NULL,
	"action" text NOT NULL,
	"target" text,
	"purpose" text,
	"hash" text NOT NULL,
	"prev_hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "checkpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"grid_id" text,
	"lat" double precision,
	"lon" double precision,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "declarations" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"at" bigint NOT NULL,
	"temperature" double precision NOT NULL,
	"symptoms" text NOT NULL,
	"visited_high_risk_area" boolean NOT NULL,
	"contact_with_confirmed" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grids" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "otps" (
	"id" text PRIMARY KEY NOT NULL,
	"phone_idx" text NOT NULL,
	"code_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"used_at" bigint
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" text PRIMARY KEY NOT NULL,
	"name_enc" text,
	"id_number_enc" text,
	"id_number_idx" text,
	"phone_enc" text,
	"phone_idx" text,
	"grid_id" text,
	"created_by" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_changes" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"color" text NOT NULL,
	"reason" text NOT NULL,
	"state" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" bigint NOT NULL,
	"confirmed_by" text,
	"confirmed_at" bigint
);
--> statement-breakpoint
CREATE TABLE "status_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"rule" text NOT NULL,
	"color" text NOT NULL,
	"since" bigint NOT NULL,
	"until" bigint,
	"ended_at" bigint,
	"ended_by" text,
	"actor" text NOT NULL,
	"reason" text,
	"source_id" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"checkpoint_ids" text DEFAULT '[]' NOT NULL,
	"grid_ids" text DEFAULT '[]' NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkpoints" ADD CONSTRAINT "checkpoints_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "declarations" ADD CONSTRAINT "declarations_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_changes" ADD CONSTRAINT "status_changes_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_entries" ADD CONSTRAINT "status_entries_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "appeals_status_due_ix" ON "appeals" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "appeals_person_ix" ON "appeals" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "audit_log_target_ix" ON "audit_log" USING btree ("target","seq");--> statement-breakpoint
CREATE INDEX "declarations_person_at_ix" ON "declarations" USING btree ("person_id","at");--> statement-breakpoint
CREATE INDEX "declarations_at_ix" ON "declarations" USING btree ("at");--> statement-breakpoint
CREATE INDEX "otps_phone_created_ix" ON "otps" USING btree ("phone_idx","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "people_id_number_idx_uq" ON "people" USING btree ("id_number_idx");--> statement-breakpoint
CREATE UNIQUE INDEX "people_phone_idx_uq" ON "people" USING btree ("phone_idx");--> statement-breakpoint
CREATE INDEX "status_changes_person_ix" ON "status_changes" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "status_entries_person_ix" ON "status_entries" USING btree ("person_id","since");--> statement-breakpoint
CREATE UNIQUE INDEX "users_username_uq" ON "users" USING btree ("username");