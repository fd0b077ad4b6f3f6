import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { LineItem } from "@/lib/billing/rate";
import { customers } from "./customers";

export const INVOICE_STATUSES = ["draft", "finalized", "paid", "void"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/**
 * One invoice per customer and billing period. Money fields are integer minor units of
 * `currency`. Once finalized, a database trigger refuses any change to the money, the lines, the
 * number or the period (migration 0001); only the status may move on (paid, void).
 *
 * No foreign keys (migration 0013): an invoice run writes thousands of drafts at once, and the
 * two keys' checks (each row locking its customer row and plan version row) took about a quarter
 * of Postgres's time in a run. A statement-level trigger checks the same references once per
 * statement (0014), and neither table ever loses a row (a customer is never deleted, a published
 * version never changes: triggers of migrations 0013 and 0012 refuse it).
 */
export const invoices = pgTable(
  "invoices",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    customerId: bigint("customer_id", { mode: "number" }).notNull(),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    periodEnd: timestamp("period_end", { withTimezone: true }).notNull(),
    status: text("status", { enum: INVOICE_STATUSES }).notNull().default("draft"),
    /** Gapless, assigned at finalization under a lock, e.g. INV-2026-000042. */
    number: text("number").unique("invoices_number_key"),
    planVersionId: bigint("plan_version_id", { mode: "number" }),
    currency: text("currency").notNull(),
    /** Line items exactly as rated (lib/billing/rate.ts), amounts in minor units. */
    lines: jsonb("lines").$type<LineItem[]>().notNull(),
    /** The period's aggregated usage per metric code (decimal strings) the lines were rated from. */
    usage: jsonb("usage").$type<Record<string, string>>().notNull(),
    /** Minor units. */
    subtotal: bigint("subtotal", { mode: "number" }).notNull(),
    /** Minor units. */
    tax: bigint("tax", { mode: "number" }).notNull(),
    /** Minor units. */
    total: bigint("total", { mode: "number" }).notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }),
    finalizedAt: timestamp("finalized_at", { withTimezone: true }),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    voidedAt: timestamp("voided_at", { withTimezone: true }),
    voidReason: text("void_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("invoices_customer_period_key").on(t.customerId, t.periodStart),
    index("invoices_status_period_end_idx").on(t.status, t.periodEnd),
    check("invoices_status_check", sql`${t.status} in ('draft','finalized','paid','void')`),
    check("invoices_period_check", sql`${t.periodStart} < ${t.periodEnd}`),
    check("invoices_number_when_final_check", sql`(${t.status} = 'draft') = (${t.number} is null)`),
  ],
);

/** Next invoice number per year; the row lock taken by the increment keeps numbers gapless. */
export const invoiceSequences = pgTable("invoice_sequences", {
  year: integer("year").primaryKey(),
  lastNumber: integer("last_number").notNull().default(0),
});

export const INVOICE_RUN_STATUSES = ["queued", "running", "completed", "failed"] as const;

/** An invoice run: drafts (or re-rates) the invoices of one period, as a background job. */
export const invoiceRuns = pgTable(
  "invoice_runs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    status: text("status", { enum: INVOICE_RUN_STATUSES }).notNull().default("queued"),
    /** Customers whose period contains the instant before this end are invoiced. */
    periodEnd: timestamp("period_end", { withTimezone: true }).notNull(),
    customerId: bigint("customer_id", { mode: "number" }).references(() => customers.id),
    total: integer("total").notNull().default(0),
    done: integer("done").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [check("invoice_runs_status_check", sql`${t.status} in ('queued','running','completed','failed')`)],
);

export type Invoice = typeof invoices.$inferSelect;
export type InvoiceRun = typeof invoiceRuns.$inferSelect;
