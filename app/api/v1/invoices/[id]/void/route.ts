import { auditEntry, recordApiAudit } from "@/lib/admin/audit";
import { getInvoice, OPERATOR, parseInvoiceId, voidInputSchema } from "@/lib/billing/invoice-api";
import { voidInvoice } from "@/lib/billing/invoices";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";

export const POST = withApi<{ id: string }>(async ({ req, params, apiKeyId }) => {
  const id = parseInvoiceId(params.id);
  const { reason } = parseWith(voidInputSchema, await readJson(req));
  await voidInvoice(id, reason);
  await recordApiAudit(apiKeyId, auditEntry.invoiceVoided(id, reason));
  return getInvoice(OPERATOR, id);
});
