CREATE TABLE "case_attachments" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"filename" text NOT NULL,
	"media_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"sealed" text NOT NULL,
	"uploaded_by" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_credits" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"user_id" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_events" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" text,
	"kind" text NOT NULL,
	"from_phase" text,
	"to_phase" text,
	"body" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"parent_id" text,
	"author_kind" text NOT NULL,
	"author_user_id" text,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_notifications" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"kind" text NOT NULL,
	"recipient" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"dedupe_key" text,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"product" text NOT NULL,
	"version" text NOT NULL,
	"description" text NOT NULL,
	"encrypted" boolean DEFAULT false NOT NULL,
	"phase" text NOT NULL,
	"duplicate_of" text,
	"reporter_organisation_id" text,
	"reporter_user_id" text,
	"reporter_name" text,
	"reporter_email" text,
	"tracking_token_hash" text,
	"assignee_id" text,
	"received_at" timestamp with time zone NOT NULL,
	"deadline_at" timestamp with time zone NOT NULL,
	"cvss_vector" text,
	"cvss_version" text,
	"cvss_score" double precision,
	"cvss_severity" text,
	"cwe" text,
	"cve_id" text,
	"bounty_amount" bigint,
	"bounty_currency" text,
	"bounty_status" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cve_pool" (
	"cve_id" text PRIMARY KEY NOT NULL,
	"added_at" timestamp with time zone NOT NULL,
	"case_id" text,
	"reserved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "intake_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"public_key" text NOT NULL,
	"private_key_sealed" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "advisories" (
	"id" text PRIMARY KEY NOT NULL,
	"tracking_id" text NOT NULL,
	"case_id" text NOT NULL,
	"state" text NOT NULL,
	"current_revision" integer NOT NULL,
	"published_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "advisory_files" (
	"id" text PRIMARY KEY NOT NULL,
	"advisory_id" text NOT NULL,
	"section" text NOT NULL,
	"filename" text NOT NULL,
	"media_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"sealed" text NOT NULL,
	"uploaded_by" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "advisory_reviews" (
	"id" text PRIMARY KEY NOT NULL,
	"advisory_id" text NOT NULL,
	"revision" integer NOT NULL,
	"reviewer_id" text NOT NULL,
	"decision" text NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "advisory_revisions" (
	"id" text PRIMARY KEY NOT NULL,
	"advisory_id" text NOT NULL,
	"number" integer NOT NULL,
	"title" text NOT NULL,
	"products" jsonb NOT NULL,
	"sections" jsonb NOT NULL,
	"change_note" text,
	"author_id" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "case_attachments" ADD CONSTRAINT "case_attachments_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_credits" ADD CONSTRAINT "case_credits_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_messages" ADD CONSTRAINT "case_messages_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_notifications" ADD CONSTRAINT "case_notifications_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_files" ADD CONSTRAINT "advisory_files_advisory_id_advisories_id_fk" FOREIGN KEY ("advisory_id") REFERENCES "public"."advisories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_reviews" ADD CONSTRAINT "advisory_reviews_advisory_id_advisories_id_fk" FOREIGN KEY ("advisory_id") REFERENCES "public"."advisories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_revisions" ADD CONSTRAINT "advisory_revisions_advisory_id_advisories_id_fk" FOREIGN KEY ("advisory_id") REFERENCES "public"."advisories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_attachments_case_idx" ON "case_attachments" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "case_credits_case_idx" ON "case_credits" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "case_events_case_idx" ON "case_events" USING btree ("case_id","at");--> statement-breakpoint
CREATE INDEX "case_messages_case_idx" ON "case_messages" USING btree ("case_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "case_notifications_dedupe_key" ON "case_notifications" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "case_notifications_unsent_idx" ON "case_notifications" USING btree ("created_at") WHERE "case_notifications"."sent_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "cases_cve_key" ON "cases" USING btree ("cve_id") WHERE "cases"."cve_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "cases_tracking_key" ON "cases" USING btree ("tracking_token_hash") WHERE "cases"."tracking_token_hash" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "cases_phase_idx" ON "cases" USING btree ("phase");--> statement-breakpoint
CREATE INDEX "cases_reporter_org_idx" ON "cases" USING btree ("reporter_organisation_id");--> statement-breakpoint
CREATE INDEX "cve_pool_free_idx" ON "cve_pool" USING btree ("added_at") WHERE "cve_pool"."case_id" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "advisories_tracking_key" ON "advisories" USING btree ("tracking_id");--> statement-breakpoint
CREATE INDEX "advisories_case_idx" ON "advisories" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "advisories_published_idx" ON "advisories" USING btree ("published_at");--> statement-breakpoint
CREATE INDEX "advisory_files_advisory_idx" ON "advisory_files" USING btree ("advisory_id");--> statement-breakpoint
CREATE INDEX "advisory_reviews_advisory_idx" ON "advisory_reviews" USING btree ("advisory_id");--> statement-breakpoint
CREATE UNIQUE INDEX "advisory_revisions_number_key" ON "advisory_revisions" USING btree ("advisory_id","number");