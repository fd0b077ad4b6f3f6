import { apiKeyActor } from "@/lib/admin/audit";
import { getInvoice, OPERATOR, parseInvoiceId } from "@/lib/billing/invoice-api";
import { finalizeInvoice } from "@/lib/billing/invoices";
import { withApi } from "@/lib/http/with-api";

export const POST = withApi<{ id: string }>(async ({ params, apiKeyId }) => {
  const id = parseInvoiceId(params.id);
  await finalizeInvoice(id, { actor: await apiKeyActor(apiKeyId) });
  return getInvoice(OPERATOR, id);
});
