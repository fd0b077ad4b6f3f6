import type { Metadata } from "next";
import { requireCustomer } from "@/lib/auth/session";
import { portalOverview } from "@/lib/portal/overview";
import { LiveOverview } from "./live-overview";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const user = await requireCustomer("/overview");
  const overview = await portalOverview(user.customerId);
  return <LiveOverview initial={overview} />;
}
