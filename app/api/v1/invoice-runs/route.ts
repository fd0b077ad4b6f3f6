import { createInvoiceRun, invoiceRunInputSchema, serializeInvoiceRun } from "@/lib/billing/invoice-runs";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";
import { enqueueInvoiceRun } from "@/lib/jobs/queues";

export const POST = withApi(async ({ req }) => {
  const run = await createInvoiceRun(parseWith(invoiceRunInputSchema, await readJson(req)));
  await enqueueInvoiceRun(run.id);
  return Response.json(serializeInvoiceRun(run), { status: 202 });
});
