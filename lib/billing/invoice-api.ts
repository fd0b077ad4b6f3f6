import { z } from "zod";
import { db } from "@/lib/db/client";
import { findInvoice, listInvoices } from "@/lib/db/queries/invoices";
import { ApiError } from "@/lib/http/api-error";
import { loadCustomersById } from "@/lib/metering/catalog";
import { getCustomer } from "./customers";
import { serializeInvoice } from "./invoices";

export const invoiceIdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const voidInputSchema = z.object({ reason: z.string().trim().min(1).max(500) });

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

export async function listInvoicesForApi(customerExternalId: string | null) {
  const customer = customerExternalId ? await getCustomer(customerExternalId) : null;
  const rows = await listInvoices(db(), { customerId: customer?.id, limit: 500 });
  const customers = new Map((await loadCustomersById([...new Set(rows.map((r) => r.customerId))])).map((c) => [c.id, c.externalId]));
  return { invoices: rows.map((row) => serializeInvoice(row, customers.get(row.customerId) ?? "")) };
}
