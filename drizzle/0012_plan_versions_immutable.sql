-- A plan version is what invoices were priced with (invoices keep its id): once published it is
-- never changed or removed; a price change is a new version.
CREATE FUNCTION "plan_versions_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'plan version % of plan % is published: publish a new version instead of changing it', OLD.version, OLD.plan_id USING ERRCODE = 'check_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "plan_versions_immutable" BEFORE UPDATE OR DELETE ON "plan_versions"
  FOR EACH ROW EXECUTE FUNCTION "plan_versions_immutable"();
