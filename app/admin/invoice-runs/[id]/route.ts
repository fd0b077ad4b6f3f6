import { requireAdmin } from "@/lib/auth/session";
import { getInvoiceRun, serializeInvoiceRun } from "@/lib/billing/invoice-runs";
import { ApiError } from "@/lib/http/api-error";
import { jsonError } from "@/lib/http/with-api";

/** An invoice run's progress for the console's progress bar (admins only; polled, read-only). */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  await requireAdmin("/admin/invoices");
  const id = Number((await params).id);
  if (!Number.isSafeInteger(id) || id <= 0) return jsonError(new ApiError("not_found", `No invoice run ${(await params).id}.`));
  try {
    return Response.json(serializeInvoiceRun(await getInvoiceRun(id)), { headers: { "cache-control": "no-store" } });
  } catch (error) {
    if (error instanceof ApiError) return jsonError(error);
    throw error;
  }
}
