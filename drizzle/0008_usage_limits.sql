CREATE TABLE "usage_limits" (
	"customer_id" bigint NOT NULL,
	"metric_id" integer NOT NULL,
	"quantity" numeric NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_limits_pkey" PRIMARY KEY("customer_id","metric_id")
);
--> statement-breakpoint
ALTER TABLE "usage_limits" ADD CONSTRAINT "usage_limits_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_limits" ADD CONSTRAINT "usage_limits_metric_id_billable_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."billable_metrics"("id") ON DELETE no action ON UPDATE no action;