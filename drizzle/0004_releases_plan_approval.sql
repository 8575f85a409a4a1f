ALTER TABLE "advisories" ADD COLUMN "published_revision" integer;--> statement-breakpoint
ALTER TABLE "release_plans" ADD COLUMN "changed_by" text;--> statement-breakpoint
ALTER TABLE "release_plans" ADD COLUMN "approved_by" text;--> statement-breakpoint
ALTER TABLE "release_plans" ADD COLUMN "approved_at" timestamp with time zone;