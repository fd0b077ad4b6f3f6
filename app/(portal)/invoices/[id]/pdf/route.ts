import { requireCustomer } from "@/lib/auth/session";
import { invoicePdfResponse } from "@/lib/billing/invoice-api";
import { idSchema } from "@/lib/http/ids";
import { ApiError } from "@/lib/http/api-error";

/** The signed-in customer's invoice as a PDF; anyone else's id is a 404. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  const user = await requireCustomer(`/invoices/${encodeURIComponent(raw)}`);
  const id = idSchema.safeParse(raw);
  if (!id.success) return new Response("Not found", { status: 404 });
  try {
    return await invoicePdfResponse({ customerId: user.customerId }, id.data);
  } catch (error) {
    if (error instanceof ApiError && error.code === "not_found") return new Response("Not found", { status: 404 });
    throw error;
  }
}
