CREATE TABLE "release_acks" (
	"id" text PRIMARY KEY NOT NULL,
	"advisory_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"delivery_id" text NOT NULL,
	"user_id" text NOT NULL,
	"status" text NOT NULL,
	"note" text,
	"product" text,
	"signature_ids" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "release_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"plan_id" text NOT NULL,
	"wave_id" text NOT NULL,
	"advisory_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"recipient_kind" text NOT NULL,
	"recipient_id" text NOT NULL,
	"revision" integer NOT NULL,
	"sections" jsonb NOT NULL,
	"copy_sealed" text NOT NULL,
	"copy_sha256" text NOT NULL,
	"codeword_sealed" text,
	"delivered_at" timestamp with time zone NOT NULL,
	"first_read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "release_exclusions" (
	"id" text PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"details" jsonb NOT NULL,
	"wave_id" text,
	"created_by" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "release_plans" (
	"id" text PRIMARY KEY NOT NULL,
	"advisory_id" text NOT NULL,
	"revision" integer NOT NULL,
	"public_at" timestamp with time zone NOT NULL,
	"time_zone" text NOT NULL,
	"state" text NOT NULL,
	"version" integer NOT NULL,
	"request" jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"armed_by" text,
	"armed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"cancel_reason" text,
	"broken_at" timestamp with time zone,
	"break_reason" text,
	"break_evidence" text,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "release_waves" (
	"id" text PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL,
	"position" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"tier" text,
	"partner_ids" jsonb NOT NULL,
	"content" jsonb NOT NULL,
	"reason" text,
	"fired_at" timestamp with time zone,
	"delivered" integer DEFAULT 0 NOT NULL,
	"withheld" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "release_webhook_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"status_code" integer,
	"error" text,
	"duration_ms" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "release_webhook_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"dedupe_key" text NOT NULL,
	"partner_id" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"url" text NOT NULL,
	"event_type" text NOT NULL,
	"advisory_id" text NOT NULL,
	"delivery_id" text,
	"payload" jsonb NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"succeeded_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "release_deliveries" ADD CONSTRAINT "release_deliveries_plan_id_release_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."release_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_deliveries" ADD CONSTRAINT "release_deliveries_partner_id_organisations_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_exclusions" ADD CONSTRAINT "release_exclusions_plan_id_release_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."release_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_plans" ADD CONSTRAINT "release_plans_advisory_id_advisories_id_fk" FOREIGN KEY ("advisory_id") REFERENCES "public"."advisories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_waves" ADD CONSTRAINT "release_waves_plan_id_release_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."release_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_webhook_attempts" ADD CONSTRAINT "release_webhook_attempts_message_id_release_webhook_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."release_webhook_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "release_acks_partner_idx" ON "release_acks" USING btree ("advisory_id","partner_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "release_deliveries_idempotency_key" ON "release_deliveries" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "release_deliveries_recipient_key" ON "release_deliveries" USING btree ("advisory_id","recipient_id");--> statement-breakpoint
CREATE INDEX "release_deliveries_partner_idx" ON "release_deliveries" USING btree ("partner_id","delivered_at");--> statement-breakpoint
CREATE INDEX "release_deliveries_wave_idx" ON "release_deliveries" USING btree ("wave_id");--> statement-breakpoint
CREATE UNIQUE INDEX "release_exclusions_key" ON "release_exclusions" USING btree ("plan_id","partner_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "release_plans_advisory_key" ON "release_plans" USING btree ("advisory_id");--> statement-breakpoint
CREATE INDEX "release_plans_state_idx" ON "release_plans" USING btree ("state","public_at");--> statement-breakpoint
CREATE INDEX "release_waves_plan_idx" ON "release_waves" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "release_waves_due_idx" ON "release_waves" USING btree ("fired_at","at");--> statement-breakpoint
CREATE INDEX "release_webhook_attempts_message_idx" ON "release_webhook_attempts" USING btree ("message_id","attempt");--> statement-breakpoint
CREATE UNIQUE INDEX "release_webhook_messages_dedupe_key" ON "release_webhook_messages" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "release_webhook_messages_status_idx" ON "release_webhook_messages" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "release_webhook_messages_partner_idx" ON "release_webhook_messages" USING btree ("partner_id","created_at");