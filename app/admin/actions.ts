"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiKey, revokeApiKey } from "@/lib/admin/api-keys";
import { customerUpdateSchema, updateCustomer } from "@/lib/admin/customers";
import { previewImpact, type Impact } from "@/lib/admin/impact";
import { requireAdmin } from "@/lib/auth/session";
import { createCustomer, customerInputSchema, getCustomer } from "@/lib/billing/customers";
import { createInvoiceRun } from "@/lib/billing/invoice-runs";
import { finalizeInvoice, payInvoice, voidInvoice } from "@/lib/billing/invoices";
import type { PlanChange } from "@/lib/billing/plan-change";
import { publishPlanVersion } from "@/lib/billing/plans";
import { decimalString, pricingSchema } from "@/lib/billing/pricing-schema";
import { ApiError, type ErrorDetail } from "@/lib/http/api-error";
import { isoDate } from "@/lib/http/dates";
import { storableText } from "@/lib/http/text";
import { zodDetails } from "@/lib/http/with-api";
import { enqueueInvoiceRun } from "@/lib/jobs/queues";
import { invalidateCatalog, metricsByCode } from "@/lib/metering/catalog";
import { setUsageLimit } from "@/lib/metering/limits";
import { defineMetric, metricInputSchema } from "@/lib/metering/metrics";
import { createEndpoint, endpointInputSchema, retryDelivery, setEndpointEnabled } from "@/lib/webhooks/endpoints";

/**
 * The console's server actions. Each one checks the admin role itself (requireAdmin: no session
 * -> sign-in, a customer -> 404) before it parses anything, whatever middleware or layouts did;
 * inputs are parsed with zod; every change is written to the audit log.
 */
export type ActionResult<T = undefined> = { ok: true; data: T } | { ok: false; error: string; details: ErrorDetail[] };

async function guarded<T>(work: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await work() };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, error: error.message, details: error.details ?? [] };
    if (error instanceof z.ZodError) return { ok: false, error: "The input is invalid.", details: zodDetails(error) };
    throw error;
  }
}

const planCodeSchema = z.string().min(1).max(64);
const rowIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export async function previewImpactAction(planCode: string, pricing: unknown): Promise<ActionResult<Impact>> {
  await requireAdmin();
  return guarded(() => previewImpact(planCodeSchema.parse(planCode), pricingSchema.parse(pricing)));
}

export async function publishVersionAction(planCode: string, pricing: unknown, effective: "next_period" | "now"): Promise<ActionResult<{ version: number }>> {
  const admin = await requireAdmin();
  return guarded(async () => {
    const code = planCodeSchema.parse(planCode);
    const input = { pricing: pricingSchema.parse(pricing), effective: z.enum(["next_period", "now"]).parse(effective) };
    const version = await publishPlanVersion(code, input, { actor: admin });
    revalidatePath("/admin/plans");
    return { version };
  });
}

export async function createMetricAction(input: unknown): Promise<ActionResult<{ code: string }>> {
  const admin = await requireAdmin();
  return guarded(async () => {
    const metric = await defineMetric(metricInputSchema.parse(input), admin);
    revalidatePath("/admin/metrics");
    return { code: metric.code };
  });
}

export async function createCustomerAction(input: unknown): Promise<ActionResult<{ externalId: string }>> {
  const admin = await requireAdmin();
  return guarded(async () => {
    const customer = await createCustomer(customerInputSchema.parse(input), admin);
    revalidatePath("/admin/customers");
    return { externalId: customer.externalId };
  });
}

export async function updateCustomerAction(externalId: string, input: unknown): Promise<ActionResult<{ planChange: PlanChange | null }>> {
  const admin = await requireAdmin();
  return guarded(async () => {
    const { after } = await updateCustomer(z.string().min(1).max(128).parse(externalId), customerUpdateSchema.parse(input), admin);
    revalidatePath("/admin/customers");
    return { planChange: after.planChange };
  });
}

export async function startInvoiceRunAction(periodEnd: string): Promise<ActionResult<{ runId: number }>> {
  const admin = await requireAdmin();
  return guarded(async () => {
    const run = await createInvoiceRun({ periodEnd: isoDate().parse(periodEnd) }, { actor: admin });
    await enqueueInvoiceRun(run.id);
    return { runId: run.id };
  });
}

export async function finalizeInvoiceAction(id: number): Promise<ActionResult> {
  const admin = await requireAdmin();
  return guarded(async () => {
    await finalizeInvoice(rowIdSchema.parse(id), { actor: admin });
    revalidatePath("/admin/invoices");
    return undefined;
  });
}

export async function payInvoiceAction(id: number): Promise<ActionResult> {
  const admin = await requireAdmin();
  return guarded(async () => {
    await payInvoice(rowIdSchema.parse(id), { actor: admin });
    revalidatePath("/admin/invoices");
    return undefined;
  });
}

export async function voidInvoiceAction(id: number, reason: string): Promise<ActionResult> {
  const admin = await requireAdmin();
  return guarded(async () => {
    const why = storableText("reason").trim().min(1, "give a reason").max(500).parse(reason);
    await voidInvoice(rowIdSchema.parse(id), why, { actor: admin });
    revalidatePath("/admin/invoices");
    return undefined;
  });
}

export async function createApiKeyAction(name: string): Promise<ActionResult<{ secret: string; prefix: string }>> {
  const admin = await requireAdmin();
  return guarded(async () => {
    const keyName = storableText("name").trim().min(1).max(100).parse(name);
    const key = await createApiKey(keyName, admin);
    revalidatePath("/admin/api-keys");
    return { secret: key.secret, prefix: key.prefix };
  });
}

export async function revokeApiKeyAction(id: number): Promise<ActionResult> {
  const admin = await requireAdmin();
  return guarded(async () => {
    await revokeApiKey(rowIdSchema.parse(id), admin);
    revalidatePath("/admin/api-keys");
    return undefined;
  });
}

export async function createWebhookEndpointAction(input: unknown): Promise<ActionResult<{ id: number; secret: string }>> {
  const admin = await requireAdmin();
  return guarded(async () => {
    const endpoint = await createEndpoint(endpointInputSchema.parse(input), { actor: admin });
    revalidatePath("/admin/webhooks");
    return endpoint;
  });
}

export async function setWebhookEndpointEnabledAction(id: number, enabled: boolean): Promise<ActionResult> {
  const admin = await requireAdmin();
  return guarded(async () => {
    await setEndpointEnabled(rowIdSchema.parse(id), z.boolean().parse(enabled), admin);
    revalidatePath("/admin/webhooks");
    return undefined;
  });
}

export async function retryWebhookDeliveryAction(id: number): Promise<ActionResult> {
  const admin = await requireAdmin();
  return guarded(async () => {
    await retryDelivery(rowIdSchema.parse(id), admin);
    revalidatePath("/admin/webhooks");
    return undefined;
  });
}

export async function setUsageLimitAction(customerExternalId: string, metricCode: string, kind: "quantity" | "spend", value: string): Promise<ActionResult> {
  const admin = await requireAdmin();
  return guarded(async () => {
    const customer = await getCustomer(z.string().min(1).max(128).parse(customerExternalId));
    const code = z.string().min(1).max(64).parse(metricCode);
    const metric = (await metricsByCode([code])).get(code);
    if (!metric) throw new ApiError("validation_failed", `No metric "${metricCode}".`, [{ path: "metric", message: "unknown metric" }]);
    const amount = z.union([z.literal(""), decimalString]).parse(z.string().max(40).parse(value).trim());
    const limit = amount === "" ? null : { kind: z.enum(["quantity", "spend"]).parse(kind), value: amount };
    await setUsageLimit(customer, metric, limit, admin);
    invalidateCatalog();
    revalidatePath(`/admin/customers/${customer.externalId}`);
    return undefined;
  });
}
