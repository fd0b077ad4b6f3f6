import { serializeInvoice } from "@/lib/billing/invoices";
import { db } from "@/lib/db/client";
import { findInvoice, listInvoices } from "@/lib/db/queries/invoices";
import { ApiError } from "@/lib/http/api-error";
import { loadCustomersById } from "@/lib/metering/catalog";

export type InvoiceView = ReturnType<typeof serializeInvoice>;

async function externalIdOf(customerId: number) {
  const [customer] = await loadCustomersById([customerId]);
  if (!customer) throw new ApiError("not_found", "No such customer.");
  return customer.externalId;
}

/** One customer's invoices, newest period first. */
export async function listCustomerInvoices(customerId: number): Promise<InvoiceView[]> {
  const externalId = await externalIdOf(customerId);
  return (await listInvoices(db(), { customerId, limit: 500 })).map((invoice) => serializeInvoice(invoice, externalId));
}

/** Invoice `id` if it belongs to this customer; another customer's invoice is simply not found. */
export async function getCustomerInvoice(customerId: number, id: number): Promise<InvoiceView> {
  const invoice = await findInvoice(db(), { id, customerId });
  if (!invoice) throw new ApiError("not_found", `No invoice ${id}.`);
  return serializeInvoice(invoice, await externalIdOf(customerId));
}
