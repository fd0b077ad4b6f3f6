import { recordApiAudit } from "@/lib/admin/audit";
import { createCustomer, customerInputSchema, serializeCustomer } from "@/lib/billing/customers";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";

export const POST = withApi(async ({ req, apiKeyId }) => {
  const customer = await createCustomer(parseWith(customerInputSchema, await readJson(req)));
  await recordApiAudit(apiKeyId, { action: "customer.created", entityType: "customer", entityId: customer.externalId, after: { name: customer.name, email: customer.email, plan: customer.planCode } });
  return Response.json(serializeCustomer(customer), { status: 201 });
});
