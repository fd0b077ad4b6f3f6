import { createPlan, planInputSchema } from "@/lib/billing/plans";
import { parseWith, readJson, withApi } from "@/lib/http/with-api";

export const POST = withApi(async ({ req }) => Response.json(await createPlan(parseWith(planInputSchema, await readJson(req))), { status: 201 }));
