-- Paper codes issued, by card id (base64url of the first 12 bytes of SHA-256 of the code's jti): the status list
-- names the unexpired cards of people who are not green, never the people (shared/API.md). Rows past expires_at are
-- purged by retention.
CREATE TABLE "paper_cards" (
	"card_id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"issued_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "paper_cards" ADD CONSTRAINT "paper_cards_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "paper_cards_person_expires_ix" ON "paper_cards" USING btree ("person_id","expires_at");--> statement-breakpoint
CREATE INDEX "paper_cards_expires_ix" ON "paper_cards" USING btree ("expires_at");
