import { planVersionInputSchema, publishPlanVersion } from "@/lib/billing/plans";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";

export const POST = withApi<{ code: string }>(async ({ req, params }) =>
  Response.json(await publishPlanVersion(params.code, parseWith(planVersionInputSchema, await readJson(req))), { status: 201 }),
);
