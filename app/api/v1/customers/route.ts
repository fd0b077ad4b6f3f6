import { apiKeyActor } from "@/lib/admin/audit";
import { createCustomer, customerInputSchema, serializeCustomer } from "@/lib/billing/customers";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";

export const POST = withApi(async ({ req, apiKeyId }) => {
  const customer = await createCustomer(parseWith(customerInputSchema, await readJson(req)), await apiKeyActor(apiKeyId));
  return Response.json(serializeCustomer(customer), { status: 201 });
});
