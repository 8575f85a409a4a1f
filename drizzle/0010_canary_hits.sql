CREATE TABLE "canary_hits" (
	"id" text PRIMARY KEY NOT NULL,
	"token_id" text NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"detail" text NOT NULL,
	"user_agent" text,
	"advisory_id" text NOT NULL,
	"plan_id" text NOT NULL,
	"delivery_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"recipient_kind" text NOT NULL,
	"recipient_id" text NOT NULL,
	"seen_at" timestamp with time zone,
	"seen_by" text
);
--> statement-breakpoint
CREATE TABLE "canary_token_windows" (
	"token_id" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"stored" integer NOT NULL,
	"suppressed" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "canary_unknown_hits" (
	"day" text NOT NULL,
	"kind" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "canary_unknown_hits_day_kind_pk" PRIMARY KEY("day","kind")
);
--> statement-breakpoint
ALTER TABLE "canary_hits" ADD CONSTRAINT "canary_hits_token_id_canary_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."canary_tokens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "canary_token_windows" ADD CONSTRAINT "canary_token_windows_token_id_canary_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."canary_tokens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "canary_hits_at_idx" ON "canary_hits" USING btree ("at","id");--> statement-breakpoint
CREATE INDEX "canary_hits_advisory_idx" ON "canary_hits" USING btree ("advisory_id","at");--> statement-breakpoint
CREATE INDEX "canary_hits_unseen_idx" ON "canary_hits" USING btree ("seen_at");