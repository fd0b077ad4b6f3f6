-- What the dropped foreign keys refused (0013), checked once per statement instead of per row:
-- an invoice must name an existing customer and, when it has one, an existing plan version. No
-- lock is needed, because neither can disappear: customers are never deleted (0013), published
-- plan versions never change (0012), and ids are identity columns that cannot be updated.
CREATE FUNCTION "invoices_references_exist"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = n.customer_id)) THEN
    RAISE EXCEPTION 'an invoice names a customer that does not exist' USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM new_rows n WHERE n.plan_version_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM plan_versions v WHERE v.id = n.plan_version_id)) THEN
    RAISE EXCEPTION 'an invoice names a plan version that does not exist' USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "invoices_references_inserted" AFTER INSERT ON "invoices"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "invoices_references_exist"();
--> statement-breakpoint
CREATE TRIGGER "invoices_references_updated" AFTER UPDATE ON "invoices"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "invoices_references_exist"();
