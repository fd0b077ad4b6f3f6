-- A plan's interval, fixed at creation (every version's pricing.interval equals it). Existing
-- plans take their first version's.
ALTER TABLE "plans" ADD COLUMN "interval" text;--> statement-breakpoint
UPDATE "plans" p SET "interval" = coalesce((select v.pricing ->> 'interval' from plan_versions v where v.plan_id = p.id order by v.version limit 1), 'month');--> statement-breakpoint
ALTER TABLE "plans" ALTER COLUMN "interval" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_interval_check" CHECK ("plans"."interval" in ('month', 'year'));
