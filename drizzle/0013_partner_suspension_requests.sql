CREATE TABLE "partner_suspension_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"partner_id" text NOT NULL,
	"reason" text NOT NULL,
	"investigation_id" text,
	"status" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_note" text
);
--> statement-breakpoint
ALTER TABLE "partner_incidents" ADD COLUMN "investigation_id" text;--> statement-breakpoint
ALTER TABLE "partner_suspension_requests" ADD CONSTRAINT "partner_suspension_requests_partner_id_partners_organisation_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("organisation_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "partner_suspension_requests_partner_idx" ON "partner_suspension_requests" USING btree ("partner_id","status");