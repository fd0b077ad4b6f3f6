import { getInvoice, OPERATOR, parseInvoiceId } from "@/lib/billing/invoice-api";
import { finalizeInvoice } from "@/lib/billing/invoices";
import { withApi } from "@/lib/http/with-api";

export const POST = withApi<{ id: string }>(async ({ params, actor }) => {
  const id = parseInvoiceId(params.id);
  await finalizeInvoice(id, { actor });
  return getInvoice(OPERATOR, id);
});
