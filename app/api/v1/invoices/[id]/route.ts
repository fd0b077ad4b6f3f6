import { getInvoice, OPERATOR, parseInvoiceId } from "@/lib/billing/invoice-api";
import { withApi } from "@/lib/http/with-api";

export const GET = withApi<{ id: string }>(async ({ params }) => getInvoice(OPERATOR, parseInvoiceId(params.id)));
