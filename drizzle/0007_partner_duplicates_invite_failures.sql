DROP INDEX "partners_name_key";--> statement-breakpoint
ALTER TABLE "invites" ADD COLUMN "failed_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "partners" ADD COLUMN "duplicate" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "partners_name_key" ON "partners" USING btree (lower("name")) WHERE "partners"."duplicate" IS NULL;