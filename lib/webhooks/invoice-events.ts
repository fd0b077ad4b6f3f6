import type { PendingQuery, Row, Sql } from "postgres";
import type { WebhookEventType } from "@/lib/db/schema";
import { deliveryValuesSql, isoTimestampSql, subscribedSql, webhookBodySql } from "./events";

type InvoiceEventType = Extract<WebhookEventType, `invoice.${string}`>;

/** The invoice columns an event's body reads: a relation given to invoiceDeliveriesSql has at least these. */
export const INVOICE_EVENT_COLUMNS = "id, customer_id, number, status, currency, period_start, period_end, subtotal, tax, total, void_reason";

/**
 * An INSERT of invoice.* events, one delivery per subscribed endpoint, for the invoices that
 * `invoices` selects (a relation with INVOICE_EVENT_COLUMNS), as they stand; it returns the
 * delivery ids. Built in SQL: an invoice run drafts thousands at once, and the statement that
 * writes the drafts records their events too (upsertDraftInvoices). Within one statement every
 * part sees the same snapshot, so `invoices` there must be the rows the statement writes (its
 * RETURNING), not the invoices table.
 */
export function invoiceDeliveriesSql(sql: Sql, type: InvoiceEventType, invoices: PendingQuery<Row[]>) {
  const invoice = sql`jsonb_build_object('invoice', jsonb_build_object(
    'id', i.id, 'number', i.number, 'customer', c.external_id, 'status', i.status, 'currency', i.currency,
    'period', jsonb_build_object('start', ${isoTimestampSql(sql, sql`i.period_start`)}, 'end', ${isoTimestampSql(sql, sql`i.period_end`)}),
    'subtotal', i.subtotal, 'tax', i.tax, 'total', i.total, 'voidReason', i.void_reason))`;
  return sql`
    insert into webhook_deliveries (endpoint_id, event_type, message_id, payload)
    select ${deliveryValuesSql(sql, type, webhookBodySql(sql, type, invoice))}
    from ${invoices} i join customers c on c.id = i.customer_id
    cross join webhook_endpoints e
    where ${subscribedSql(sql, type)}
    order by i.id, e.id
    returning id`;
}

/** Records invoice.* events for these invoices (see invoiceDeliveriesSql); returns the delivery ids. */
export async function recordInvoiceEvents(sql: Sql, type: InvoiceEventType, invoiceIds: number[]): Promise<number[]> {
  if (invoiceIds.length === 0) return [];
  const rows = await sql<{ id: string }[]>`${invoiceDeliveriesSql(sql, type, sql`(select * from invoices where id = any(${sql.array(invoiceIds)}::int8[]))`)}`;
  return rows.map((r) => Number(r.id));
}
