import { getCustomer } from "@/lib/billing/customers";
import { withApi } from "@/lib/http/with-api";
import { currentUsage } from "@/lib/metering/usage";

export const dynamic = "force-dynamic";

export const GET = withApi<{ externalId: string }>(async ({ params }) => currentUsage(await getCustomer(params.externalId)));
