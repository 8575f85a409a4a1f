CREATE TABLE "release_mails" (
	"delivery_id" text PRIMARY KEY NOT NULL,
	"advisory_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"user_id" text NOT NULL,
	"status" text NOT NULL,
	"kind" text,
	"message_id" text,
	"key_fingerprints" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"locked_until" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "release_mails" ADD CONSTRAINT "release_mails_delivery_id_release_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."release_deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "release_mails_status_idx" ON "release_mails" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "release_mails_advisory_idx" ON "release_mails" USING btree ("advisory_id");