import { apiKeyActor } from "@/lib/admin/audit";
import { planVersionInputSchema, publishPlanVersion } from "@/lib/billing/plans";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";

export const POST = withApi<{ code: string }>(async ({ req, params, apiKeyId }) => {
  const { plan } = await publishPlanVersion(params.code, parseWith(planVersionInputSchema, await readJson(req)), { actor: await apiKeyActor(apiKeyId) });
  return Response.json(plan, { status: 201 });
});
