import { z } from "zod";
import { storableText } from "@/lib/http/text";
import { db } from "@/lib/db/client";
import { findInvoice, listInvoices } from "@/lib/db/queries/invoices";
import { ApiError } from "@/lib/http/api-error";
import { loadCustomersById } from "@/lib/metering/catalog";
import { getCustomer } from "./customers";
import { invoicesToCsv } from "./invoice-csv";
import { renderInvoicePdf } from "./invoice-pdf";
import { serializeInvoice } from "./invoices";

export const invoiceIdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const voidInputSchema = z.object({ reason: storableText("reason").trim().min(1).max(500) });

export function parseInvoiceId(raw: string): number {
  const parsed = invoiceIdSchema.safeParse(raw);
  if (!parsed.success) throw new ApiError("not_found", `No invoice ${raw.slice(0, 40)}.`);
  return parsed.data;
}

/** Invoice with its customer's external id, for API answers. */
export async function getInvoiceForApi(id: number) {
  const invoice = await findInvoice(db(), { id });
  if (!invoice) throw new ApiError("not_found", `No invoice ${id}.`);
  const [customer] = await loadCustomersById([invoice.customerId]);
  return serializeInvoice(invoice, customer?.externalId ?? "");
}

/** Which invoices: all (operator API), one customer by external id (API), or by id (portal session). */
export type InvoiceScope = { externalId?: string | null; customerId?: number };

async function invoicesWithCustomers(scope: InvoiceScope, limit: number) {
  const customerId = scope.customerId ?? (scope.externalId ? (await getCustomer(scope.externalId)).id : undefined);
  const rows = await listInvoices(db(), { customerId, limit });
  const customers = new Map((await loadCustomersById([...new Set(rows.map((r) => r.customerId))])).map((c) => [c.id, c]));
  return rows.map((row) => ({ invoice: serializeInvoice(row, customers.get(row.customerId)?.externalId ?? ""), customer: customers.get(row.customerId) }));
}

export async function listInvoicesForApi(customerExternalId: string | null) {
  return { invoices: (await invoicesWithCustomers({ externalId: customerExternalId }, 500)).map((entry) => entry.invoice) };
}

/** The PDF of invoice `id`; with a customerId, only if it is that customer's (else not_found). */
export async function invoicePdfResponse(id: number, scope: { customerId?: number } = {}): Promise<Response> {
  const invoice = await findInvoice(db(), { id, customerId: scope.customerId });
  if (!invoice) throw new ApiError("not_found", `No invoice ${id}.`);
  const [customer] = await loadCustomersById([invoice.customerId]);
  const view = serializeInvoice(invoice, customer?.externalId ?? "");
  const pdf = await renderInvoicePdf(view, customer?.name ?? "");
  const filename = `${invoice.number ?? `draft-${invoice.id}`}.pdf`;
  return new Response(new Uint8Array(pdf), {
    headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="${filename}"` },
  });
}

export async function invoicesCsvResponse(scope: InvoiceScope): Promise<Response> {
  const entries = await invoicesWithCustomers(scope, 100_000);
  const names = new Map(entries.map((e) => [e.invoice.customer, e.customer?.name ?? ""]));
  return new Response(invoicesToCsv(entries.map((e) => e.invoice), names), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="invoices.csv"' },
  });
}
