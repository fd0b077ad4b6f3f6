import { and, desc, eq } from "drizzle-orm";
import type { Sql } from "postgres";
import type { Db } from "@/lib/db/client";
import { invoices, type Invoice } from "@/lib/db/schema";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export type InvoiceValues = Pick<Invoice, "customerId" | "periodStart" | "periodEnd" | "planVersionId" | "currency" | "lines" | "usage" | "subtotal" | "tax" | "total">;

/**
 * Inserts drafts, or re-rates them; finalized invoices are left as they are. Returns the ids of
 * the rows written. Raw SQL over arrays: a query builder costs more than Postgres for 500 rows.
 */
export async function upsertDraftInvoices(sql: Sql, values: InvoiceValues[]): Promise<number[]> {
  if (values.length === 0) return [];
  const column = <T>(pick: (v: InvoiceValues) => T) => sql.array(values.map(pick) as never[]);
  const rows = await sql<{ id: string }[]>`
    insert into invoices (customer_id, period_start, period_end, plan_version_id, currency, lines, usage, subtotal, tax, total, status)
    select customer_id, period_start, period_end, plan_version_id, currency, lines::jsonb, usage::jsonb, subtotal, tax, total, 'draft'
    from unnest(${column((v) => v.customerId)}::int8[], ${column((v) => v.periodStart.toISOString())}::timestamptz[],
                ${column((v) => v.periodEnd.toISOString())}::timestamptz[], ${column((v) => v.planVersionId)}::int8[],
                ${column((v) => v.currency)}::text[], ${column((v) => JSON.stringify(v.lines))}::text[],
                ${column((v) => JSON.stringify(v.usage))}::text[], ${column((v) => v.subtotal)}::int8[],
                ${column((v) => v.tax)}::int8[], ${column((v) => v.total)}::int8[])
      as t(customer_id, period_start, period_end, plan_version_id, currency, lines, usage, subtotal, tax, total)
    order by customer_id, period_start
    on conflict (customer_id, period_start) do update set
      plan_version_id = excluded.plan_version_id, currency = excluded.currency, lines = excluded.lines,
      usage = excluded.usage, subtotal = excluded.subtotal, tax = excluded.tax, total = excluded.total, updated_at = now()
    where invoices.status = 'draft'
    returning id`;
  return rows.map((row) => Number(row.id));
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
