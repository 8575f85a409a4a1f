CREATE TABLE "partner_evidence" (
	"id" text PRIMARY KEY NOT NULL,
	"partner_id" text NOT NULL,
	"filename" text NOT NULL,
	"media_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"sealed" text NOT NULL,
	"uploaded_by" text,
	"uploaded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "partner_incidents" (
	"id" text PRIMARY KEY NOT NULL,
	"partner_id" text NOT NULL,
	"source" text NOT NULL,
	"what_leaked" text NOT NULL,
	"to_whom" text NOT NULL,
	"leaked_at" text NOT NULL,
	"details" text NOT NULL,
	"status" text NOT NULL,
	"reported_by" text,
	"reported_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"resolution" text
);
--> statement-breakpoint
CREATE TABLE "invites" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" text NOT NULL,
	"organisation_id" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "member_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"partner_id" text NOT NULL,
	"user_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"user_ids" jsonb NOT NULL,
	"algorithm" text NOT NULL,
	"expires_at" timestamp with time zone,
	"armored" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "nda_signatures" (
	"id" text PRIMARY KEY NOT NULL,
	"partner_id" text NOT NULL,
	"version" integer NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"title" text NOT NULL,
	"ip" text,
	"sha256" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ndas" (
	"version" integer PRIMARY KEY NOT NULL,
	"text" text NOT NULL,
	"sha256" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"to" text NOT NULL,
	"subject" text NOT NULL,
	"body_sealed" text NOT NULL,
	"kind" text NOT NULL,
	"dedupe_key" text,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "partner_approvals" (
	"partner_id" text NOT NULL,
	"approver_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "partner_approvals_partner_id_approver_id_pk" PRIMARY KEY("partner_id","approver_id")
);
--> statement-breakpoint
CREATE TABLE "partner_events" (
	"id" text PRIMARY KEY NOT NULL,
	"partner_id" text NOT NULL,
	"type" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"actor_id" text,
	"actor_email" text,
	"reason" text,
	"data" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "partners" (
	"organisation_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"legal_name" text NOT NULL,
	"country" text NOT NULL,
	"staff_countries" jsonb NOT NULL,
	"website" text NOT NULL,
	"kind" text NOT NULL,
	"customers" integer NOT NULL,
	"contacts" jsonb NOT NULL,
	"affiliations" jsonb NOT NULL,
	"status" text NOT NULL,
	"tier" text NOT NULL,
	"attestations" jsonb NOT NULL,
	"attested_at" timestamp with time zone NOT NULL,
	"attestation_expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"condition" jsonb NOT NULL,
	"effect" jsonb NOT NULL,
	"reference" text NOT NULL,
	"enabled" boolean NOT NULL,
	"position" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tiers" (
	"name" text PRIMARY KEY NOT NULL,
	"lead_time" text NOT NULL,
	"lead_seconds" integer NOT NULL,
	"content" jsonb NOT NULL,
	"position" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "partner_webhooks" (
	"id" text PRIMARY KEY NOT NULL,
	"partner_id" text NOT NULL,
	"url" text NOT NULL,
	"secret_sealed" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone NOT NULL,
	"disabled_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "partner_evidence" ADD CONSTRAINT "partner_evidence_partner_id_partners_organisation_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("organisation_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_incidents" ADD CONSTRAINT "partner_incidents_partner_id_partners_organisation_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("organisation_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invites" ADD CONSTRAINT "invites_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_keys" ADD CONSTRAINT "member_keys_partner_id_partners_organisation_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("organisation_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_keys" ADD CONSTRAINT "member_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nda_signatures" ADD CONSTRAINT "nda_signatures_partner_id_partners_organisation_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("organisation_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nda_signatures" ADD CONSTRAINT "nda_signatures_version_ndas_version_fk" FOREIGN KEY ("version") REFERENCES "public"."ndas"("version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nda_signatures" ADD CONSTRAINT "nda_signatures_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_approvals" ADD CONSTRAINT "partner_approvals_partner_id_partners_organisation_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("organisation_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_approvals" ADD CONSTRAINT "partner_approvals_approver_id_users_id_fk" FOREIGN KEY ("approver_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_events" ADD CONSTRAINT "partner_events_partner_id_partners_organisation_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("organisation_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partners" ADD CONSTRAINT "partners_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_webhooks" ADD CONSTRAINT "partner_webhooks_partner_id_partners_organisation_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("organisation_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "partner_evidence_partner_idx" ON "partner_evidence" USING btree ("partner_id");--> statement-breakpoint
CREATE INDEX "partner_incidents_partner_idx" ON "partner_incidents" USING btree ("partner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invites_token_key" ON "invites" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "invites_user_idx" ON "invites" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "member_keys_partner_idx" ON "member_keys" USING btree ("partner_id");--> statement-breakpoint
CREATE INDEX "member_keys_user_idx" ON "member_keys" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "nda_signatures_partner_idx" ON "nda_signatures" USING btree ("partner_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_dedupe_key" ON "outbox" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "outbox_created_idx" ON "outbox" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "partner_events_partner_idx" ON "partner_events" USING btree ("partner_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "partners_name_key" ON "partners" USING btree (lower("name"));--> statement-breakpoint
CREATE INDEX "partners_status_idx" ON "partners" USING btree ("status");--> statement-breakpoint
CREATE INDEX "partner_webhooks_partner_idx" ON "partner_webhooks" USING btree ("partner_id");--> statement-breakpoint
-- Defaults modelled on MAPP in 2025: three tiers, the mandatory-reporting rule, NDA version 1.
INSERT INTO "tiers" ("name","lead_time","lead_seconds","content","position","updated_at") VALUES ('vetted-plus','P5D',432000,'["summary","details","detection","poc","indicators"]'::jsonb,0,now()),('standard','P1D',86400,'["summary","details","detection","indicators"]'::jsonb,1,now()),('restricted','PT0S',0,'["summary"]'::jsonb,2,now()) ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "policy_rules" ("id","name","condition","effect","reference","enabled","position","updated_at") VALUES ('rul_00000000000000000000000001','mandatory-government-vulnerability-reporting','{"countries":["CN"]}'::jsonb,'{"type":"cap_tier","tier":"restricted"}'::jsonb,'PRC Regulations on the Management of Security Vulnerabilities in Network Products (RMSV, 2021), art. 7 (report to MIIT within 2 days); art. 9 (no disclosure abroad)',true,0,now()) ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "ndas" ("version","text","sha256","created_by","created_at") VALUES (1,'# Forewarn early-alert programme: non-disclosure agreement (version 1)

1. **Confidential information.** Everything the programme sends before the public release time (T0) of an advisory: summaries, technical details, detection guidance, proof-of-concept files and indicators.
2. **Use.** The partner uses confidential information only to build and test protections for its own customers.
3. **No disclosure.** The partner does not disclose confidential information to anyone outside the members registered in the programme, and publishes protections only at T0.
4. **Government reporting.** If a law obliges the partner to report vulnerabilities to a government authority, the partner tells the programme before joining; its tier is set accordingly.
5. **Leaks.** The partner reports any suspected leak at once through the partner portal.
6. **Traceability.** Each copy the partner receives is individually fingerprinted; a leaked copy identifies its source.
7. **Sanctions.** A breach may lead to suspension or removal from the programme.
','47fabf1fed60f8242366064a90ecf4e41130387d10a30a99f5fca43c231d423f',NULL,now()) ON CONFLICT DO NOTHING;
