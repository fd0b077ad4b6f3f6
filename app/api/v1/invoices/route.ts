import { invoiceListQuerySchema, listInvoicesPage } from "@/lib/billing/invoice-api";
import { parseWith, withApi } from "@/lib/http/with-api";

/** ?customer=&limit=&startingAfter=: one page of invoices, newest period first. */
export const GET = withApi(async ({ req }) => listInvoicesPage(parseWith(invoiceListQuerySchema, Object.fromEntries(new URL(req.url).searchParams))));
