import { z } from "zod";
import { storableText } from "@/lib/http/text";
import { db } from "@/lib/db/client";
import { findInvoice, listInvoices, pageInvoices } from "@/lib/db/queries/invoices";
import { ApiError } from "@/lib/http/api-error";
import { idSchema, parseId } from "@/lib/http/ids";
import { loadCustomersById } from "@/lib/metering/catalog";
import { getCustomer } from "./customers";
import { invoicesToCsv } from "./invoice-csv";
import { renderInvoicePdf } from "./invoice-pdf";
import { serializeInvoice, type InvoiceView } from "./invoices";
import type { Invoice } from "@/lib/db/schema";

export const voidInputSchema = z.object({ reason: storableText("reason").trim().min(1).max(500) });

export const parseInvoiceId = (raw: string): number => parseId(raw, "invoice");

/**
 * Whose invoices a caller may read. Every read names one: the operator (API key or admin) reads
 * any customer's, optionally one by external id; a customer (portal session, or an admin page
 * about one customer) reads only that customer's, and another customer's invoice is not found.
 */
export type InvoiceScope = { operator: true; externalId?: string | null } | { customerId: number };

export const OPERATOR: InvoiceScope = { operator: true };

async function customerIdOf(scope: InvoiceScope): Promise<number | undefined> {
  if ("customerId" in scope) return scope.customerId;
  return scope.externalId ? (await getCustomer(scope.externalId)).id : undefined;
}

async function findInScope(scope: InvoiceScope, id: number) {
  const invoice = await findInvoice(db(), { id, customerId: await customerIdOf(scope) });
  if (!invoice) throw new ApiError("not_found", `No invoice ${id}.`);
  const [customer] = await loadCustomersById([invoice.customerId]);
  return { invoice, customer, view: serializeInvoice(invoice, customer?.externalId ?? "") };
}

/** Invoice `id`, with its customer's external id, if the scope may read it. */
export async function getInvoice(scope: InvoiceScope, id: number): Promise<InvoiceView> {
  return (await findInScope(scope, id)).view;
}

/** Invoice rows as API views, with their customers (one catalog lookup for all of them). */
async function withCustomers(rows: Invoice[]) {
  const customers = new Map((await loadCustomersById([...new Set(rows.map((r) => r.customerId))])).map((c) => [c.id, c]));
  return rows.map((row) => ({ invoice: serializeInvoice(row, customers.get(row.customerId)?.externalId ?? ""), customer: customers.get(row.customerId) }));
}

async function invoicesWithCustomers(scope: InvoiceScope, limit: number) {
  return withCustomers(await listInvoices(db(), { customerId: await customerIdOf(scope), limit }));
}

export const invoiceListQuerySchema = z.object({
  /** Empty means every customer, as before paging existed. */
  customer: z.string().max(128).optional().transform((v) => v || undefined),
  limit: z.coerce.number().int().min(1).max(500).default(500),
  /** The last invoice id of the previous page (its nextStartingAfter). */
  startingAfter: idSchema.optional(),
});

/**
 * One page of the operator's invoices (optionally one customer's), most recently created first.
 * Pages follow each other with startingAfter = the previous page's nextStartingAfter.
 */
export async function listInvoicesPage(query: z.output<typeof invoiceListQuerySchema>) {
  const scope: InvoiceScope = { operator: true, externalId: query.customer };
  const customerId = await customerIdOf(scope);
  if (query.startingAfter !== undefined && !(await findInvoice(db(), { id: query.startingAfter, customerId }))) {
    throw new ApiError("validation_failed", `No invoice ${query.startingAfter} to continue after.`, [{ path: "startingAfter", message: "not an invoice of this listing" }]);
  }
  const rows = await pageInvoices(db(), { customerId, limit: query.limit + 1, beforeId: query.startingAfter });
  const page = rows.slice(0, query.limit);
  const hasMore = rows.length > query.limit;
  return {
    invoices: (await withCustomers(page)).map((entry) => entry.invoice),
    hasMore,
    nextStartingAfter: hasMore ? page[page.length - 1].id : null,
  };
}

/** The scope's invoices, newest period first (at most 500). */
export async function listInvoicesIn(scope: InvoiceScope): Promise<InvoiceView[]> {
  return (await invoicesWithCustomers(scope, 500)).map((entry) => entry.invoice);
}

/** The PDF of invoice `id`, if the scope may read it (else not_found). */
export async function invoicePdfResponse(scope: InvoiceScope, id: number): Promise<Response> {
  const { invoice, customer, view } = await findInScope(scope, id);
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
