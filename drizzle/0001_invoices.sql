CREATE TABLE "invoice_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "invoice_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"status" text DEFAULT 'queued' NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"customer_id" bigint,
	"total" integer DEFAULT 0 NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "invoice_runs_status_check" CHECK ("invoice_runs"."status" in ('queued','running','completed','failed'))
);
--> statement-breakpoint
CREATE TABLE "invoice_sequences" (
	"year" integer PRIMARY KEY NOT NULL,
	"last_number" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "invoices_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"customer_id" bigint NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"number" text,
	"plan_version_id" bigint,
	"currency" text NOT NULL,
	"lines" jsonb NOT NULL,
	"usage" jsonb NOT NULL,
	"subtotal" bigint NOT NULL,
	"tax" bigint NOT NULL,
	"total" bigint NOT NULL,
	"due_at" timestamp with time zone,
	"finalized_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoices_number_key" UNIQUE("number"),
	CONSTRAINT "invoices_status_check" CHECK ("invoices"."status" in ('draft','finalized','paid','void')),
	CONSTRAINT "invoices_period_check" CHECK ("invoices"."period_start" < "invoices"."period_end"),
	CONSTRAINT "invoices_number_when_final_check" CHECK (("invoices"."status" = 'draft') = ("invoices"."number" is null))
);
--> statement-breakpoint
ALTER TABLE "plan_versions" ADD COLUMN "effective" text DEFAULT 'now' NOT NULL;--> statement-breakpoint
ALTER TABLE "invoice_runs" ADD CONSTRAINT "invoice_runs_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_plan_version_id_plan_versions_id_fk" FOREIGN KEY ("plan_version_id") REFERENCES "public"."plan_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_customer_period_key" ON "invoices" USING btree ("customer_id","period_start");--> statement-breakpoint
CREATE INDEX "invoices_status_period_end_idx" ON "invoices" USING btree ("status","period_end");--> statement-breakpoint
-- Finalized invoices are frozen: money, lines, usage, number, period and customer never change,
-- and only the transitions finalized -> paid | void are allowed. Drafts may be re-rated or deleted.
CREATE FUNCTION "invoices_guard_finalized"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'invoice % is %, it cannot be deleted', OLD.number, OLD.status USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'draft' THEN
    RETURN NEW;
  END IF;
  IF (NEW.subtotal, NEW.tax, NEW.total, NEW.currency, NEW.lines, NEW.usage, NEW.number, NEW.period_start, NEW.period_end, NEW.customer_id, NEW.plan_version_id, NEW.finalized_at)
     IS DISTINCT FROM
     (OLD.subtotal, OLD.tax, OLD.total, OLD.currency, OLD.lines, OLD.usage, OLD.number, OLD.period_start, OLD.period_end, OLD.customer_id, OLD.plan_version_id, OLD.finalized_at) THEN
    RAISE EXCEPTION 'invoice % is %: its amounts and lines are frozen', OLD.number, OLD.status USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.status <> OLD.status AND NOT (OLD.status = 'finalized' AND NEW.status IN ('paid', 'void')) THEN
    RAISE EXCEPTION 'invoice % cannot go from % to %', OLD.number, OLD.status, NEW.status USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "invoices_guard_finalized" BEFORE UPDATE OR DELETE ON "invoices"
  FOR EACH ROW EXECUTE FUNCTION "invoices_guard_finalized"();
