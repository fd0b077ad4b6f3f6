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

async function invoicesWithCustomers(customerExternalId: string | null, limit: number) {
  const customer = customerExternalId ? await getCustomer(customerExternalId) : null;
  const rows = await listInvoices(db(), { customerId: customer?.id, limit });
  const customers = new Map((await loadCustomersById([...new Set(rows.map((r) => r.customerId))])).map((c) => [c.id, c]));
  return rows.map((row) => ({ invoice: serializeInvoice(row, customers.get(row.customerId)?.externalId ?? ""), customer: customers.get(row.customerId) }));
}

export async function listInvoicesForApi(customerExternalId: string | null) {
  return { invoices: (await invoicesWithCustomers(customerExternalId, 500)).map((entry) => entry.invoice) };
}

export async function invoicePdfResponse(id: number): Promise<Response> {
  const invoice = await findInvoice(db(), { id });
  if (!invoice) throw new ApiError("not_found", `No invoice ${id}.`);
  const [customer] = await loadCustomersById([invoice.customerId]);
  const view = serializeInvoice(invoice, customer?.externalId ?? "");
  const pdf = await renderInvoicePdf(view, customer?.name ?? "");
  const filename = `${invoice.number ?? `draft-${invoice.id}`}.pdf`;
  return new Response(new Uint8Array(pdf), {
    headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="${filename}"` },
  });
}

export async function invoicesCsvResponse(customerExternalId: string | null): Promise<Response> {
  const entries = await invoicesWithCustomers(customerExternalId, 100_000);
  const names = new Map(entries.map((e) => [e.invoice.customer, e.customer?.name ?? ""]));
  return new Response(invoicesToCsv(entries.map((e) => e.invoice), names), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="invoices.csv"' },
  });
}
