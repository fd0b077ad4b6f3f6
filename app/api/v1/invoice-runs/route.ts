import { recordApiAudit } from "@/lib/admin/audit";
import { createInvoiceRun, invoiceRunInputSchema, serializeInvoiceRun } from "@/lib/billing/invoice-runs";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";
import { enqueueInvoiceRun } from "@/lib/jobs/queues";

export const POST = withApi(async ({ req, apiKeyId }) => {
  const input = parseWith(invoiceRunInputSchema, await readJson(req));
  const run = await createInvoiceRun(input);
  await enqueueInvoiceRun(run.id);
  await recordApiAudit(apiKeyId, { action: "invoice_run.started", entityType: "invoice_run", entityId: String(run.id), after: input });
  return Response.json(serializeInvoiceRun(run), { status: 202 });
});
