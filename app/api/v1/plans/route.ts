import { createPlan, planInputSchema } from "@/lib/billing/plans";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";

export const POST = withApi(async ({ req, actor }) => {
  const plan = await createPlan(parseWith(planInputSchema, await readJson(req)), actor);
  return Response.json(plan, { status: 201 });
});
