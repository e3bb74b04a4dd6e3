CREATE TABLE "changes" (
	"id" text PRIMARY KEY NOT NULL,
	"action" text NOT NULL,
	"case_id" text,
	"person_id" text,
	"payload_enc" text NOT NULL,
	"state" text NOT NULL,
	"requested_by_id" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_role" text NOT NULL,
	"requested_at" bigint NOT NULL,
	"reds" integer DEFAULT 0 NOT NULL,
	"confirmations_needed" integer DEFAULT 1 NOT NULL,
	"confirmations" text DEFAULT '[]' NOT NULL,
	"decided_at" bigint,
	"decided_by_id" text,
	"reject_reason_enc" text,
	"result_enc" text
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"reset_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "declarations" ALTER COLUMN "temperature" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "declarations" ALTER COLUMN "symptoms" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "declarations" ALTER COLUMN "visited_high_risk_area" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "declarations" ALTER COLUMN "contact_with_confirmed" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "declarations" ADD COLUMN "data_enc" text;--> statement-breakpoint
ALTER TABLE "status_changes" ADD COLUMN "requested_by_id" text;--> statement-breakpoint
ALTER TABLE "status_changes" ADD COLUMN "confirmed_by_id" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "created_by" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "disabled_at" bigint;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "token_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "changes_state_requested_ix" ON "changes" USING btree ("state","requested_at");--> statement-breakpoint
CREATE INDEX "changes_author_requested_ix" ON "changes" USING btree ("requested_by_id","requested_at");--> statement-breakpoint
CREATE INDEX "rate_limits_reset_ix" ON "rate_limits" USING btree ("reset_at");