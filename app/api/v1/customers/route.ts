import { createCustomer, customerInputSchema, serializeCustomer } from "@/lib/billing/customers";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";

export const POST = withApi(async ({ req, actor }) => {
  const customer = await createCustomer(parseWith(customerInputSchema, await readJson(req)), actor);
  return Response.json(serializeCustomer(customer), { status: 201 });
});
