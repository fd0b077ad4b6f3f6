import { and, desc, eq, lt } from "drizzle-orm";
import type { PendingQuery, Row, Sql } from "postgres";
import type { Db } from "@/lib/db/client";
import { invoices, type Invoice } from "@/lib/db/schema";
import { INVOICE_EVENT_COLUMNS } from "@/lib/webhooks/invoice-events";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export type InvoiceValues = Pick<Invoice, "customerId" | "periodStart" | "periodEnd" | "planVersionId" | "currency" | "lines" | "usage" | "subtotal" | "tax" | "total">;

/**
 * Inserts drafts, or re-rates them; finalized invoices are left as they are. `recordDrafted`
 * gives the statement that records the events of the drafts written for the first time (it reads
 * them, with INVOICE_EVENT_COLUMNS, from the relation it is given), so drafts and their events
 * are one statement. Returns the ids of the invoices written and of the deliveries recorded.
 * The rows travel as one JSON document, and the ids come back as two arrays in one row (cheaper
 * to build, send and read than typed arrays or thousands of rows).
 *
 * `plain` leaves ON CONFLICT out: for drafts that do not exist yet (a period's first run) a plain
 * insert skips the speculative insertion ON CONFLICT needs for every row (a sixth of the WAL
 * records, about a fifth of the insert's time). If any of them exists after all, the statement
 * fails with a unique violation on invoices_customer_period_key and writes nothing.
 */
export async function upsertDraftInvoices(
  sql: Sql,
  values: InvoiceValues[],
  recordDrafted: (inserted: PendingQuery<Row[]>) => PendingQuery<Row[]>,
  options: { plain?: boolean } = {},
): Promise<{ ids: number[]; deliveries: number[] }> {
  if (values.length === 0) return { ids: [], deliveries: [] };
  const document = JSON.stringify(
    values.map((v) => ({
      customer_id: v.customerId,
      period_start: v.periodStart.toISOString(),
      period_end: v.periodEnd.toISOString(),
      plan_version_id: v.planVersionId,
      currency: v.currency,
      lines: v.lines,
      usage: v.usage,
      subtotal: v.subtotal,
      tax: v.tax,
      total: v.total,
    })),
  );
  const [row] = await sql<{ ids: string[]; deliveries: string[] }[]>`
    with written as (
      insert into invoices (customer_id, period_start, period_end, plan_version_id, currency, lines, usage, subtotal, tax, total, status)
      select customer_id, period_start, period_end, plan_version_id, currency, lines, usage, subtotal, tax, total, 'draft'
      from jsonb_to_recordset(${document}::jsonb)
        as t(customer_id int8, period_start timestamptz, period_end timestamptz, plan_version_id int8, currency text,
             lines jsonb, usage jsonb, subtotal int8, tax int8, total int8)
      order by customer_id, period_start
      ${options.plain ? sql`` : sql`on conflict (customer_id, period_start) do update set
        plan_version_id = excluded.plan_version_id, currency = excluded.currency, lines = excluded.lines,
        usage = excluded.usage, subtotal = excluded.subtotal, tax = excluded.tax, total = excluded.total, updated_at = now()
      where invoices.status = 'draft'`}
      returning ${sql.unsafe(INVOICE_EVENT_COLUMNS)}, (xmax = 0) as inserted
    ), recorded as (${recordDrafted(sql`(select * from written where inserted)`)})
    select coalesce((select array_agg(id order by id) from written), '{}') as ids,
           coalesce((select array_agg(id order by id) from recorded), '{}') as deliveries`;
  return { ids: row.ids.map(Number), deliveries: row.deliveries.map(Number) };
}

/**
 * A page of invoices, most recently created first (the primary key's order, so a page never
 * sorts the table); `beforeId` continues after the previous page's last invoice.
 */
export async function pageInvoices(db: DbOrTx, params: { customerId?: number; limit: number; beforeId?: number }) {
  return db
    .select()
    .from(invoices)
    .where(and(
      params.customerId === undefined ? undefined : eq(invoices.customerId, params.customerId),
      params.beforeId === undefined ? undefined : lt(invoices.id, params.beforeId),
    ))
    .orderBy(desc(invoices.id))
    .limit(params.limit);
}

export async function findInvoice(db: DbOrTx, params: { id: number; customerId?: number }) {
  const [row] = await db
    .select()
    .from(invoices)
    .where(params.customerId === undefined ? eq(invoices.id, params.id) : and(eq(invoices.id, params.id), eq(invoices.customerId, params.customerId)))
    .limit(1);
  return row;
}

/** Invoices newest period first (then newest id). */
export async function listInvoices(db: DbOrTx, params: { customerId?: number; limit: number }) {
  return db
    .select()
    .from(invoices)
    .where(params.customerId === undefined ? undefined : eq(invoices.customerId, params.customerId))
    .orderBy(desc(invoices.periodStart), desc(invoices.id))
    .limit(params.limit);
}

export type InvoiceListFilter = { status?: Invoice["status"]; period?: string; customer?: string };
export type InvoiceListRow = { id: string; number: string | null; external_id: string; period_start: string; status: Invoice["status"]; total: string; currency: string };

/** The console's invoice list: newest periods first, at most 200, filtered by status, month ("YYYY-MM") and customer. */
export async function listInvoicesFiltered(sql: Sql, filter: InvoiceListFilter): Promise<InvoiceListRow[]> {
  return sql<InvoiceListRow[]>`
    select i.id, i.number, c.external_id, to_char(i.period_start at time zone 'UTC', 'YYYY-MM-DD') as period_start, i.status, i.total::text, i.currency
    from invoices i join customers c on c.id = i.customer_id
    where (${filter.status ?? null}::text is null or i.status = ${filter.status ?? null})
      and (${filter.period ?? null}::text is null or to_char(i.period_start at time zone 'UTC', 'YYYY-MM') = ${filter.period ?? null})
      and (${filter.customer ?? null}::text is null or c.external_id = ${filter.customer ?? null})
    order by i.period_start desc, i.id desc limit 200`;
}
