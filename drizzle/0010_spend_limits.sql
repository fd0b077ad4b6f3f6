ALTER TABLE "usage_limits" ALTER COLUMN "quantity" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_limits" ADD COLUMN "spend" numeric;--> statement-breakpoint
ALTER TABLE "usage_limits" ADD CONSTRAINT "usage_limits_one_kind_check" CHECK (("usage_limits"."quantity" is null) <> ("usage_limits"."spend" is null));