CREATE TABLE "case_contacts" (
	"case_id" text NOT NULL,
	"person_id" text NOT NULL,
	"degree" integer NOT NULL,
	"marked_by" text NOT NULL,
	"marked_at" bigint NOT NULL,
	"until" bigint NOT NULL,
	"entry_id" text NOT NULL,
	CONSTRAINT "case_contacts_case_id_person_id_pk" PRIMARY KEY("case_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"note_enc" text NOT NULL,
	"opened_by" text NOT NULL,
	"opened_at" bigint NOT NULL,
	"closed_by" text,
	"closed_at" bigint,
	"close_note_enc" text
);
--> statement-breakpoint
ALTER TABLE "case_contacts" ADD CONSTRAINT "case_contacts_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_contacts" ADD CONSTRAINT "case_contacts_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_contacts_person_ix" ON "case_contacts" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "cases_person_ix" ON "cases" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cases_open_person_uq" ON "cases" USING btree ("person_id") WHERE closed_at IS NULL;