ALTER TABLE "customers" ADD COLUMN "previous_plan_id" bigint;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "plan_changes_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_previous_plan_id_plans_id_fk" FOREIGN KEY ("previous_plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;