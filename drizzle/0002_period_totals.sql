CREATE TABLE "usage_period_totals" (
	"customer_id" bigint NOT NULL,
	"metric_id" integer NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"event_count" bigint NOT NULL,
	"quantity_sum" numeric NOT NULL,
	"quantity_max" numeric NOT NULL,
	"latest_key" text COLLATE "C" NOT NULL,
	"latest_quantity" numeric NOT NULL,
	CONSTRAINT "usage_period_totals_pkey" PRIMARY KEY("customer_id","metric_id","period_start")
);
--> statement-breakpoint
-- No backfill: this table arrives before any deployment holds events (the first release has both).
