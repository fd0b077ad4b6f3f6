import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { invoices, type Invoice } from "@/lib/db/schema";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export type InvoiceValues = Pick<Invoice, "customerId" | "periodStart" | "periodEnd" | "planVersionId" | "currency" | "lines" | "usage" | "subtotal" | "tax" | "total">;

/** Inserts the draft, or re-rates it; a finalized invoice is left as it is (returns undefined). */
export async function upsertDraftInvoice(db: DbOrTx, values: InvoiceValues) {
  const [row] = await db
    .insert(invoices)
    .values({ ...values, status: "draft" })
    .onConflictDoUpdate({
      target: [invoices.customerId, invoices.periodStart],
      set: {
        planVersionId: values.planVersionId,
        currency: values.currency,
        lines: values.lines,
        usage: values.usage,
        subtotal: values.subtotal,
        tax: values.tax,
        total: values.total,
        updatedAt: sql`now()`,
      },
      setWhere: sql`${invoices.status} = 'draft'`,
    })
    .returning();
  return row;
}

export async function findInvoice(db: DbOrTx, params: { id: number; customerId?: number }) {
  const [row] = await db
    .select()
    .from(invoices)
    .where(params.customerId === undefined ? eq(invoices.id, params.id) : and(eq(invoices.id, params.id), eq(invoices.customerId, params.customerId)))
    .limit(1);
  return row;
}

export async function listInvoices(db: DbOrTx, params: { customerId?: number; limit: number }) {
  return db
    .select()
    .from(invoices)
    .where(params.customerId === undefined ? undefined : eq(invoices.customerId, params.customerId))
    .orderBy(desc(invoices.periodStart), desc(invoices.id))
    .limit(params.limit);
}
