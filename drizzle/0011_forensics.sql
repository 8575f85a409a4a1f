CREATE TABLE "forensic_indexed_keys" (
	"tracing_key_id" text PRIMARY KEY NOT NULL,
	"advisory_id" text NOT NULL,
	"revision" integer NOT NULL,
	"shingles" integer NOT NULL,
	"indexed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "forensic_shingles" (
	"hash" integer NOT NULL,
	"tracing_key_id" text NOT NULL,
	CONSTRAINT "forensic_shingles_hash_tracing_key_id_pk" PRIMARY KEY("hash","tracing_key_id")
);
--> statement-breakpoint
CREATE TABLE "investigation_events" (
	"id" text PRIMARY KEY NOT NULL,
	"investigation_id" text NOT NULL,
	"kind" text NOT NULL,
	"actor_id" text,
	"at" timestamp with time zone NOT NULL,
	"text_sealed" text,
	"ref" text
);
--> statement-breakpoint
CREATE TABLE "investigation_evidence" (
	"id" text PRIMARY KEY NOT NULL,
	"investigation_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"media_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"source" text,
	"found_at" timestamp with time zone,
	"text_sealed" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "investigations" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"advisory_id" text,
	"observed_at" timestamp with time zone,
	"status" text NOT NULL,
	"conclusion" text,
	"created_by" text,
	"created_at" timestamp with time zone NOT NULL,
	"closed_by" text,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "investigation_events" ADD CONSTRAINT "investigation_events_investigation_id_investigations_id_fk" FOREIGN KEY ("investigation_id") REFERENCES "public"."investigations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investigation_evidence" ADD CONSTRAINT "investigation_evidence_investigation_id_investigations_id_fk" FOREIGN KEY ("investigation_id") REFERENCES "public"."investigations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "forensic_indexed_keys_advisory_idx" ON "forensic_indexed_keys" USING btree ("advisory_id");--> statement-breakpoint
CREATE INDEX "investigation_events_investigation_idx" ON "investigation_events" USING btree ("investigation_id","at");--> statement-breakpoint
CREATE INDEX "investigation_evidence_investigation_idx" ON "investigation_evidence" USING btree ("investigation_id","created_at");--> statement-breakpoint
CREATE INDEX "investigations_status_idx" ON "investigations" USING btree ("status","created_at");