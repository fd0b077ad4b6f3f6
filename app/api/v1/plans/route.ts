import { apiKeyActor } from "@/lib/admin/audit";
import { createPlan, planInputSchema } from "@/lib/billing/plans";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";

export const POST = withApi(async ({ req, apiKeyId }) => {
  const plan = await createPlan(parseWith(planInputSchema, await readJson(req)), await apiKeyActor(apiKeyId));
  return Response.json(plan, { status: 201 });
});
