import { auditEntry, recordApiAudit } from "@/lib/admin/audit";
import { planVersionInputSchema, publishPlanVersion } from "@/lib/billing/plans";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";

export const POST = withApi<{ code: string }>(async ({ req, params, apiKeyId }) => {
  const plan = await publishPlanVersion(params.code, parseWith(planVersionInputSchema, await readJson(req)));
  // Versions come oldest first: the one published now is the last, the one it follows before it.
  await recordApiAudit(apiKeyId, auditEntry.planVersionPublished(plan.code, plan.versions[plan.versions.length - 2] ?? null, plan.versions[plan.versions.length - 1]));
  return Response.json(plan, { status: 201 });
});
