import { invoicesCsvResponse } from "@/lib/billing/invoice-api";
import { withApi } from "@/lib/http/with-api";

/** CSV of invoices (optionally ?customer=), safe to open in a spreadsheet. */
export const GET = withApi(async ({ req }) => invoicesCsvResponse({ operator: true, externalId: new URL(req.url).searchParams.get("customer") }));
