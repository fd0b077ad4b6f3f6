import { getPlan, planVersionInputSchema, publishPlanVersion } from "@/lib/billing/plans";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";

export const POST = withApi<{ code: string }>(async ({ req, params, actor }) => {
  await publishPlanVersion(params.code, parseWith(planVersionInputSchema, await readJson(req)), { actor });
  return Response.json(await getPlan(params.code), { status: 201 });
});
