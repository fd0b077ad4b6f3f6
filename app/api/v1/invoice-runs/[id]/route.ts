import { getInvoiceRun, serializeInvoiceRun } from "@/lib/billing/invoice-runs";
import { parseInvoiceId } from "@/lib/billing/invoice-api";
import { withApi } from "@/lib/http/with-api";

export const GET = withApi<{ id: string }>(async ({ params }) => serializeInvoiceRun(await getInvoiceRun(parseInvoiceId(params.id))));
