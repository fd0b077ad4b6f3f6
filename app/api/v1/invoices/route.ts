import { listInvoicesForApi } from "@/lib/billing/invoice-api";
import { withApi } from "@/lib/http/with-api";

export const GET = withApi(async ({ req }) => listInvoicesForApi(new URL(req.url).searchParams.get("customer")));
