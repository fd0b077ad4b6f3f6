import { z } from "zod";
import { type Actor, recordAudit } from "@/lib/admin/audit";
import { storableText } from "@/lib/http/text";
import type { Currency } from "@/lib/billing/currencies";
import { displayMoney } from "@/lib/billing/money";
import { inTransaction, sqlClient } from "@/lib/db/client";
import { lockCustomerForEdit, searchCustomerIds, updateCustomerDetails } from "@/lib/db/queries/customers";
import { changePlanIn } from "@/lib/billing/plan-change";
import { ApiError } from "@/lib/http/api-error";
import { invalidateCatalog, loadCustomersById } from "@/lib/metering/catalog";
import { currentUsage } from "@/lib/metering/usage";

export type CustomerRow = { id: number; externalId: string; name: string; email: string; plan: string | null; anchor: string | null; spend: string; estimatedTotal: number };

/** Customers matching `search` (external id, name or email), with this period's live spend. */
export async function listCustomersWithSpend(search = "", limit = 100): Promise<CustomerRow[]> {
  const customers = await loadCustomersById(await searchCustomerIds(sqlClient(), { search, limit }));
  return Promise.all(
    customers.map(async (c) => {
      const usage = c.pricing ? await currentUsage(c).catch(() => null) : null;
      return {
        id: c.id,
        externalId: c.externalId,
        name: c.name,
        email: c.email,
        plan: c.planCode,
        anchor: c.rule.anchor?.toISOString() ?? null,
        estimatedTotal: usage?.estimatedTotal ?? 0,
        spend: usage && usage.currency ? displayMoney(usage.estimatedTotal, usage.currency as Currency) : "—",
      };
    }),
  );
}

export const customerUpdateSchema = z.object({
  name: storableText("name").trim().min(1).max(200),
  email: z.email().max(254),
  planCode: z.string().max(64).transform((v) => (v === "" ? null : v)),
  /** "50, 90, 100": the customer's own usage alert percentages; empty: the plan's. */
  alertPercentages: z
    .string()
    .max(100)
    .default("")
    .transform((v, ctx) => {
      if (v.trim() === "") return null;
      const values = v.split(",").map((p) => Number(p.trim()));
      if (values.some((p) => !Number.isInteger(p) || p < 1 || p > 1000) || values.length > 10) {
        ctx.addIssue({ code: "custom", message: "whole percentages from 1 to 1000, separated by commas (at most 10)" });
        return z.NEVER;
      }
      return [...new Set(values)].sort((a, b) => a - b);
    }),
  /** "500, 1000": the customer's own spend alert amounts (major units); empty: the plan's. */
  alertSpend: z
    .string()
    .max(200)
    .default("")
    .transform((v, ctx) => {
      if (v.trim() === "") return null;
      const values = v.split(",").map((p) => p.trim());
      if (values.some((p) => !/^\d{1,15}(\.\d{1,12})?$/.test(p)) || values.length > 10) {
        ctx.addIssue({ code: "custom", message: "amounts such as 500 or 99.50, separated by commas (at most 10)" });
        return z.NEVER;
      }
      return [...new Set(values)];
    }),
});

/**
 * Edits a customer's name and email; a new plan takes effect from their next period (a customer
 * without a plan is subscribed at once). See changePlan for what is refused.
 */
export async function updateCustomer(externalId: string, input: z.output<typeof customerUpdateSchema>, actor?: Actor) {
  // One transaction: the plan change and the other fields are saved together or not at all.
  const result = await inTransaction(async (tx) => {
    const before = await lockCustomerForEdit(tx, { externalId });
    if (!before) throw new ApiError("not_found", `No customer "${externalId}".`);
    if (input.planCode === null && before.plan_code !== null) {
      throw new ApiError("validation_failed", "A subscribed customer cannot be left without a plan here; move them to another plan.", [{ path: "planCode", message: "choose a plan" }]);
    }
    // The form shows the plan the customer is on, or moving to: only a different one is a change.
    const change = input.planCode !== null && input.planCode !== before.plan_code ? await changePlanIn(tx, externalId, input.planCode) : null;
    await updateCustomerDetails(tx, { id: before.id, name: input.name, email: input.email, alertPercentages: input.alertPercentages, alertSpend: input.alertSpend });
    const edit = {
      before: { name: before.name, email: before.email, planCode: before.plan_code, alertPercentages: before.alert_percentages, alertSpend: before.alert_spend },
      after: { name: input.name, email: input.email, planChange: change, alertPercentages: input.alertPercentages, alertSpend: input.alertSpend },
    };
    // In the same transaction: a plan change is never without its entry.
    await recordAudit(actor, { action: "customer.updated", entityType: "customer", entityId: externalId, ...edit }, tx);
    return edit;
  });
  invalidateCatalog();
  return result;
}
