import { getInvoiceRun, parseInvoiceRunId, serializeInvoiceRun } from "@/lib/billing/invoice-runs";
import { withApi } from "@/lib/http/with-api";

export const GET = withApi<{ id: string }>(async ({ params }) => serializeInvoiceRun(await getInvoiceRun(parseInvoiceRunId(params.id))));
