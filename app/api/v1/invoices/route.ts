import { listInvoicesIn } from "@/lib/billing/invoice-api";
import { withApi } from "@/lib/http/with-api";

export const GET = withApi(async ({ req }) => ({ invoices: await listInvoicesIn({ operator: true, externalId: new URL(req.url).searchParams.get("customer") }) }));
