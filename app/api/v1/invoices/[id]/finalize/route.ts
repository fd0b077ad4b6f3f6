import { getInvoice, OPERATOR, parseInvoiceId } from "@/lib/billing/invoice-api";
import { finalizeInvoice } from "@/lib/billing/invoices";
import { withApi } from "@/lib/http/with-api";

export const POST = withApi<{ id: string }>(async ({ params }) => {
  const id = parseInvoiceId(params.id);
  await finalizeInvoice(id);
  return getInvoice(OPERATOR, id);
});
