import { z } from "zod";
import { type Actor, audited } from "@/lib/admin/audit";
import { isoDateTime } from "@/lib/http/dates";
import { storableText } from "@/lib/http/text";
import { db } from "@/lib/db/client";
import { findPlanByCode } from "@/lib/db/queries/catalog";
import { insertCustomer } from "@/lib/db/queries/customers";
import { ApiError } from "@/lib/http/api-error";
import { customerByExternalId, invalidateCatalog, type CustomerInfo } from "@/lib/metering/catalog";

export const externalIdSchema = z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/, "externalId: 1-128 letters, digits or _ . : @ -");

export const customerInputSchema = z.object({
  externalId: externalIdSchema,
  name: storableText("name").trim().min(1).max(200),
  email: z.email().max(254),
  planCode: z.string().min(1).max(64).nullable().optional(),
  billingAnchor: isoDateTime().nullable().optional(),
});

export const serializeCustomer = (c: CustomerInfo) => ({
  externalId: c.externalId,
  name: c.name,
  email: c.email,
  planCode: c.planCode,
  billingAnchor: c.rule.anchor?.toISOString() ?? null,
  createdAt: c.createdAt.toISOString(),
});

export async function createCustomer(input: z.output<typeof customerInputSchema>, actor?: Actor) {
  let planId: number | null = null;
  if (input.planCode) {
    const plan = await findPlanByCode(db(), { code: input.planCode });
    if (!plan) throw new ApiError("validation_failed", `No plan with code "${input.planCode}".`, [{ path: "planCode", message: "unknown plan" }]);
    planId = plan.id;
  }
  await audited(actor, async (tx) => {
    const row = await insertCustomer(tx, {
      externalId: input.externalId,
      name: input.name,
      email: input.email,
      planId,
      billingAnchor: input.billingAnchor ? new Date(input.billingAnchor) : null,
    });
    if (!row) {
      throw new ApiError("conflict", `A customer with externalId "${input.externalId}" already exists.`, [{ path: "externalId", message: "already exists" }]);
    }
  }, () => ({ action: "customer.created", entityType: "customer", entityId: input.externalId, after: { name: input.name, email: input.email, plan: input.planCode ?? null } }));
  invalidateCatalog();
  return getCustomer(input.externalId);
}

export async function getCustomer(externalId: string): Promise<CustomerInfo> {
  const parsed = externalIdSchema.safeParse(externalId);
  const customer = parsed.success ? await customerByExternalId(parsed.data) : undefined;
  if (!customer) throw new ApiError("not_found", `No customer with externalId "${externalId.slice(0, 128)}".`);
  return customer;
}
