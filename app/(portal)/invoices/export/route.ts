import { requireCustomer } from "@/lib/auth/session";
import { invoicesCsvResponse } from "@/lib/billing/invoice-api";

/** The signed-in customer's invoices as CSV. */
export async function GET() {
  const user = await requireCustomer("/invoices");
  return invoicesCsvResponse({ customerId: user.customerId });
}
