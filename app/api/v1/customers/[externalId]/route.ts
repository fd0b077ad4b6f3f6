import { getCustomer, serializeCustomer } from "@/lib/billing/customers";
import { withApi } from "@/lib/http/with-api";

export const GET = withApi<{ externalId: string }>(async ({ params }) => serializeCustomer(await getCustomer(params.externalId)));
