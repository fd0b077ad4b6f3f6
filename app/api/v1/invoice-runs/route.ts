import { createInvoiceRun, invoiceRunInputSchema, serializeInvoiceRun } from "@/lib/billing/invoice-runs";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";
import { enqueueInvoiceRun } from "@/lib/jobs/queues";

export const POST = withApi(async ({ req, actor }) => {
  const input = parseWith(invoiceRunInputSchema, await readJson(req));
  const run = await createInvoiceRun(input, { actor });
  await enqueueInvoiceRun(run.id);
  return Response.json(serializeInvoiceRun(run), { status: 202 });
});
