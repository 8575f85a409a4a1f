DROP INDEX "cases_reporter_org_idx";--> statement-breakpoint
DROP INDEX "advisories_published_idx";--> statement-breakpoint
CREATE INDEX "organisations_created_idx" ON "organisations" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "users_created_idx" ON "users" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "advisories_updated_idx" ON "advisories" USING btree ("updated_at","id");--> statement-breakpoint
CREATE INDEX "case_notifications_created_idx" ON "case_notifications" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "cases_queue_idx" ON "cases" USING btree ((case when "phase" in ('released', 'closed', 'declined', 'duplicate') then 1 else 0 end),"deadline_at","id");--> statement-breakpoint
CREATE INDEX "cases_reporter_received_idx" ON "cases" USING btree ("reporter_organisation_id","received_at","id");--> statement-breakpoint
CREATE INDEX "cve_pool_added_idx" ON "cve_pool" USING btree ("added_at","cve_id");--> statement-breakpoint
CREATE INDEX "investigations_created_idx" ON "investigations" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "partner_incidents_reported_idx" ON "partner_incidents" USING btree ("reported_at","id");--> statement-breakpoint
CREATE INDEX "partners_name_idx" ON "partners" USING btree ("name","organisation_id");--> statement-breakpoint
CREATE INDEX "release_plans_public_idx" ON "release_plans" USING btree ("public_at","id");--> statement-breakpoint
CREATE INDEX "advisories_published_idx" ON "advisories" USING btree ("published_at","id");