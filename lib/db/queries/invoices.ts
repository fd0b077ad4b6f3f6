import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { invoices, type Invoice } from "@/lib/db/schema";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export type InvoiceValues = Pick<Invoice, "customerId" | "periodStart" | "periodEnd" | "planVersionId" | "currency" | "lines" | "usage" | "subtotal" | "tax" | "total">;

/** Inserts drafts, or re-rates them; finalized invoices are left as they are (not returned). */
export async function upsertDraftInvoices(db: DbOrTx, values: InvoiceValues[]) {
  if (values.length === 0) return [];
  return db
    .insert(invoices)
    .values(values.map((v) => ({ ...v, status: "draft" as const })))
    .onConflictDoUpdate({
      target: [invoices.customerId, invoices.periodStart],
      set: {
        planVersionId: sql`excluded.plan_version_id`,
        currency: sql`excluded.currency`,
        lines: sql`excluded.lines`,
        usage: sql`excluded.usage`,
        subtotal: sql`excluded.subtotal`,
        tax: sql`excluded.tax`,
        total: sql`excluded.total`,
        updatedAt: sql`now()`,
      },
      setWhere: sql`${invoices.status} = 'draft'`,
    })
    .returning();
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
