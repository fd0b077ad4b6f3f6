import { getInvoice, OPERATOR, parseInvoiceId, voidInputSchema } from "@/lib/billing/invoice-api";
import { voidInvoice } from "@/lib/billing/invoices";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";

export const POST = withApi<{ id: string }>(async ({ req, params, actor }) => {
  const id = parseInvoiceId(params.id);
  const { reason } = parseWith(voidInputSchema, await readJson(req));
  await voidInvoice(id, reason, { actor });
  return getInvoice(OPERATOR, id);
});
