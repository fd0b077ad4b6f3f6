import type { Sql } from "postgres";
import type { WebhookEventType } from "@/lib/db/schema";
import { deliveryValuesSql, isoTimestampSql, subscribedSql, webhookBodySql } from "./events";

/**
 * Records invoice.* events for these invoices, one delivery per subscribed endpoint, with the
 * invoice as it stands (built in SQL: an invoice run drafts thousands at once).
 */
export async function recordInvoiceEvents(sql: Sql, type: Extract<WebhookEventType, `invoice.${string}`>, invoiceIds: number[]): Promise<number[]> {
  if (invoiceIds.length === 0) return [];
  const invoice = sql`jsonb_build_object('invoice', jsonb_build_object(
    'id', i.id, 'number', i.number, 'customer', c.external_id, 'status', i.status, 'currency', i.currency,
    'period', jsonb_build_object('start', ${isoTimestampSql(sql, sql`i.period_start`)}, 'end', ${isoTimestampSql(sql, sql`i.period_end`)}),
    'subtotal', i.subtotal, 'tax', i.tax, 'total', i.total, 'voidReason', i.void_reason))`;
  const rows = await sql<{ id: string }[]>`
    insert into webhook_deliveries (endpoint_id, event_type, message_id, payload)
    select ${deliveryValuesSql(sql, type, webhookBodySql(sql, type, invoice))}
    from invoices i join customers c on c.id = i.customer_id
    cross join webhook_endpoints e
    where i.id = any(${sql.array(invoiceIds)}::int8[]) and ${subscribedSql(sql, type)}
    order by i.id, e.id
    returning id`;
  return rows.map((r) => Number(r.id));
}
