import { requireAdmin } from "@/lib/auth/session";
import { getInvoiceRun, parseInvoiceRunId, serializeInvoiceRun } from "@/lib/billing/invoice-runs";
import { ApiError } from "@/lib/http/api-error";
import { jsonError } from "@/lib/http/with-api";

/** An invoice run's progress for the console's progress bar (admins only; polled, read-only). */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  await requireAdmin("/admin/invoices");
  const { id } = await params;
  try {
    return Response.json(serializeInvoiceRun(await getInvoiceRun(parseInvoiceRunId(id))), { headers: { "cache-control": "no-store" } });
  } catch (error) {
    if (error instanceof ApiError) return jsonError(error);
    throw error;
  }
}
