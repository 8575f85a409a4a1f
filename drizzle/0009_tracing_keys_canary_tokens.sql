CREATE TABLE "canary_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"kind" text NOT NULL,
	"advisory_id" text NOT NULL,
	"plan_id" text NOT NULL,
	"delivery_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"recipient_kind" text NOT NULL,
	"recipient_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "release_tracing_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL,
	"advisory_id" text NOT NULL,
	"revision" integer NOT NULL,
	"key_sealed" text NOT NULL,
	"capacity" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "release_deliveries" ADD COLUMN "tracing_key_id" text;--> statement-breakpoint
ALTER TABLE "release_tracing_keys" ADD CONSTRAINT "release_tracing_keys_plan_id_release_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."release_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "canary_tokens_hash_key" ON "canary_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "canary_tokens_advisory_idx" ON "canary_tokens" USING btree ("advisory_id");--> statement-breakpoint
CREATE INDEX "canary_tokens_delivery_idx" ON "canary_tokens" USING btree ("delivery_id");--> statement-breakpoint
CREATE UNIQUE INDEX "release_tracing_keys_plan_revision" ON "release_tracing_keys" USING btree ("plan_id","revision");--> statement-breakpoint
CREATE INDEX "release_tracing_keys_advisory_idx" ON "release_tracing_keys" USING btree ("advisory_id");