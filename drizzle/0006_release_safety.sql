ALTER TABLE "advisories" ADD COLUMN "publish_request" jsonb;--> statement-breakpoint
ALTER TABLE "release_plans" ADD COLUMN "editors" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "release_plans" ADD COLUMN "compress_lead_times" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "release_plans" ADD COLUMN "break_request" jsonb;