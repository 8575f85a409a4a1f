CREATE TABLE "login_throttle" (
	"email" text NOT NULL,
	"ip" text NOT NULL,
	"failed_logins" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "login_throttle_email_ip_pk" PRIMARY KEY("email","ip")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "parent_token_id" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "pending_role" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "pending_kind" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "pending_requested_by" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "pending_requested_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "login_throttle_updated_idx" ON "login_throttle" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "api_tokens_parent_idx" ON "api_tokens" USING btree ("parent_token_id");