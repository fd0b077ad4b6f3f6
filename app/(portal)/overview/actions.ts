"use server";
import { requireCustomer } from "@/lib/auth/session";
import { portalOverview, type Overview } from "@/lib/portal/overview";

/** Polled by the overview: the signed-in customer's live figures (takes no ids: the session says who). */
export async function refreshOverview(): Promise<Overview> {
  const user = await requireCustomer();
  return portalOverview(user.customerId);
}
