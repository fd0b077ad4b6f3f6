import { getCustomer } from "@/lib/billing/customers";
import { ApiError } from "@/lib/http/api-error";
import { withApi } from "@/lib/http/with-api";
import { metricsByCode } from "@/lib/metering/catalog";
import { entitlement } from "@/lib/metering/limits";

export const dynamic = "force-dynamic";

/** { allowed, used, limit, remaining } for one metric this period, from the live counter. */
export const GET = withApi<{ externalId: string; metric: string }>(async ({ params }) => {
  const customer = await getCustomer(params.externalId);
  const metric = (await metricsByCode([params.metric])).get(params.metric);
  if (!metric) throw new ApiError("not_found", `No billable metric with code "${params.metric.slice(0, 64)}".`);
  return entitlement(customer, metric);
});
