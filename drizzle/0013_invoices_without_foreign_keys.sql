-- An invoice run writes thousands of drafts at once; the two foreign keys' checks (each row
-- locks its customer row and its plan version row) took about a quarter of Postgres's time in a
-- run. Their guarantee is kept another way: invoices are written with ids read from customers and
-- plan_versions, a published plan version is never changed or removed (0012), and a customer or
-- a metric is never deleted (below; the event log has relied on that from the start).
ALTER TABLE "invoices" DROP CONSTRAINT "invoices_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "invoices" DROP CONSTRAINT "invoices_plan_version_id_plan_versions_id_fk";
--> statement-breakpoint
CREATE FUNCTION "billing_record_kept"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% are never deleted: usage events and invoices refer to them', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "customers_kept" BEFORE DELETE ON "customers" FOR EACH ROW EXECUTE FUNCTION "billing_record_kept"();
--> statement-breakpoint
CREATE TRIGGER "billable_metrics_kept" BEFORE DELETE ON "billable_metrics" FOR EACH ROW EXECUTE FUNCTION "billing_record_kept"();
