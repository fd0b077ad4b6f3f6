import { recordApiAudit } from "@/lib/admin/audit";
import { createPlan, planInputSchema } from "@/lib/billing/plans";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";

export const POST = withApi(async ({ req, apiKeyId }) => {
  const plan = await createPlan(parseWith(planInputSchema, await readJson(req)));
  await recordApiAudit(apiKeyId, { action: "plan.created", entityType: "plan", entityId: plan.code, after: { name: plan.name, interval: plan.interval, version: plan.versions[plan.versions.length - 1] ?? null } });
  return Response.json(plan, { status: 201 });
});
