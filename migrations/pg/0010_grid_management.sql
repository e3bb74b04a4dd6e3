CREATE TABLE "area_teams" (
	"area_id" text PRIMARY KEY NOT NULL,
	"doctor_enc" text,
	"police_enc" text,
	"updated_by" text NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "areas" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"level" text NOT NULL,
	"parent_id" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "duty_shifts" (
	"id" text PRIMARY KEY NOT NULL,
	"checkpoint_id" text NOT NULL,
	"user_id" text NOT NULL,
	"starts_at" bigint NOT NULL,
	"ends_at" bigint NOT NULL,
	"created_by" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "high_risk_areas" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"from_at" bigint NOT NULL,
	"to_at" bigint,
	"updated_by" text NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "households" (
	"id" text PRIMARY KEY NOT NULL,
	"grid_id" text NOT NULL,
	"address_enc" text NOT NULL,
	"address_idx" text NOT NULL,
	"phone_enc" text,
	"created_by" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scan_hours" (
	"checkpoint_id" text NOT NULL,
	"hour" bigint NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "scan_hours_hour_checkpoint_id_pk" PRIMARY KEY("hour","checkpoint_id")
);
--> statement-breakpoint
CREATE TABLE "screening_members" (
	"screening_id" text NOT NULL,
	"person_id" text NOT NULL,
	"round_id" text NOT NULL,
	"grid_id" text NOT NULL,
	"returned" boolean NOT NULL,
	"data_enc" text NOT NULL,
	CONSTRAINT "screening_members_screening_id_person_id_pk" PRIMARY KEY("screening_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "screening_rounds" (
	"id" text PRIMARY KEY NOT NULL,
	"area_id" text NOT NULL,
	"name" text NOT NULL,
	"opened_by" text NOT NULL,
	"opened_at" bigint NOT NULL,
	"closed_by" text,
	"closed_at" bigint
);
--> statement-breakpoint
CREATE TABLE "screenings" (
	"id" text PRIMARY KEY NOT NULL,
	"round_id" text NOT NULL,
	"household_id" text NOT NULL,
	"grid_id" text NOT NULL,
	"present" boolean NOT NULL,
	"note_enc" text,
	"screened_by" text NOT NULL,
	"screened_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "household_id" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "guardian_id" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "area_ids" text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE "area_teams" ADD CONSTRAINT "area_teams_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "areas" ADD CONSTRAINT "areas_parent_id_areas_id_fk" FOREIGN KEY ("parent_id") REFERENCES "areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_shifts" ADD CONSTRAINT "duty_shifts_checkpoint_id_checkpoints_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "checkpoints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_shifts" ADD CONSTRAINT "duty_shifts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "screening_members" ADD CONSTRAINT "screening_members_screening_id_screenings_id_fk" FOREIGN KEY ("screening_id") REFERENCES "screenings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "screening_members" ADD CONSTRAINT "screening_members_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "screening_rounds" ADD CONSTRAINT "screening_rounds_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "screenings" ADD CONSTRAINT "screenings_round_id_screening_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "screening_rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "screenings" ADD CONSTRAINT "screenings_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "areas_parent_ix" ON "areas" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "duty_shifts_checkpoint_ix" ON "duty_shifts" USING btree ("checkpoint_id","starts_at");--> statement-breakpoint
CREATE INDEX "duty_shifts_user_ix" ON "duty_shifts" USING btree ("user_id","starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "households_address_idx_uq" ON "households" USING btree ("address_idx");--> statement-breakpoint
CREATE INDEX "households_grid_ix" ON "households" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "screening_members_round_grid_ix" ON "screening_members" USING btree ("round_id","grid_id","returned");--> statement-breakpoint
CREATE INDEX "screening_members_person_ix" ON "screening_members" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "screening_rounds_closed_ix" ON "screening_rounds" USING btree ("closed_at","opened_at");--> statement-breakpoint
CREATE UNIQUE INDEX "screenings_round_household_uq" ON "screenings" USING btree ("round_id","household_id");--> statement-breakpoint
CREATE INDEX "screenings_round_grid_ix" ON "screenings" USING btree ("round_id","grid_id");--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "households"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_guardian_id_people_id_fk" FOREIGN KEY ("guardian_id") REFERENCES "people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "people_grid_ix" ON "people" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "people_household_ix" ON "people" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "people_guardian_ix" ON "people" USING btree ("guardian_id");--> statement-breakpoint
CREATE INDEX "status_entries_active_ix" ON "status_entries" USING btree ("until","person_id","color") WHERE ended_at IS NULL;--> statement-breakpoint
-- The grids made before the tree become its leaves, without a parent until an admin places them.
INSERT INTO "areas" ("id", "name", "level", "parent_id", "created_at") SELECT "id", "name", 'grid', NULL, "created_at" FROM "grids";