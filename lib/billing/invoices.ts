import { sqlClient } from "@/lib/db/client";
import { isUniqueViolation, PlainInsertSwitch } from "@/lib/db/plain-insert";
import { findInvoice, upsertDraftInvoices } from "@/lib/db/queries/invoices";
import { db } from "@/lib/db/client";
import type { BillableMetric, Invoice } from "@/lib/db/schema";
import { ApiError } from "@/lib/http/api-error";
import { metricsById, versionForPeriod } from "@/lib/metering/catalog";
import { COUNTER_LOCK_NAMESPACE } from "@/lib/metering/group-commit";
import type { Sql } from "postgres";
import { type Actor, recordAudit } from "@/lib/admin/audit";
import type { Period } from "./periods";
import { versionPricing, type Pricing } from "./pricing-schema";
import { rate, type Rating } from "./rate";
import { usageByWindow } from "./invoice-usage";
import { planIdForPeriod, type Subscription } from "./subscription";
import { withWebhookEvents } from "@/lib/webhooks/events";
import { invoiceDeliveriesSql, recordInvoiceEvents } from "@/lib/webhooks/invoice-events";

/** Days between finalization and the due date. */
export const PAYMENT_TERMS_DAYS = 30;

type CustomerForBilling = { id: number } & Subscription;
type VersionRow = { id: string; plan_id: string; effective: "now" | "next_period"; effective_from: string; pricing: unknown };

/**
 * Prices a batch of (customer, period) pairs from Postgres: one query for the plans' versions,
 * one for the usage of every pair, then rate() per pair. Everything goes through `connection`,
 * so inside a transaction nothing waits for a second pool connection.
 */
async function rateFromEventLog(connection: Sql, items: { customer: CustomerForBilling; period: Period }[], metrics: BillableMetric[]) {
  const billed: { customer: CustomerForBilling; period: Period; planId: number }[] = [];
  for (const { customer, period } of items) {
    const planId = planIdForPeriod(customer, period);
    if (planId !== null) billed.push({ customer, period, planId });
  }
  if (billed.length === 0) return [];
  const planIds = [...new Set(billed.map((item) => item.planId))];
  const versions = await connection<VersionRow[]>`
    select id, plan_id, effective, to_json(effective_from) #>> '{}' as effective_from, pricing from plan_versions
    where plan_id = any(${connection.array(planIds)}::int8[]) order by version desc`;
  const usage = await usageByWindow(connection, billed.map((item) => ({ customerId: item.customer.id, period: item.period })), metrics);
  const byPlan = new Map<number, (VersionRow & { effectiveFrom: string })[]>();
  for (const v of versions) {
    const list = byPlan.get(Number(v.plan_id)) ?? [];
    list.push({ ...v, effectiveFrom: v.effective_from });
    byPlan.set(Number(v.plan_id), list);
  }
  return priceWindows(billed, usage, byPlan);
}

type PricedWindow = { customer: CustomerForBilling; period: Period; versionId: number; usage: Record<string, string>; rating: Rating };

/**
 * rate() for each window with its plan's version for the period. Customers of one plan mostly
 * share a period, so the version is looked up again only when plan or period changes from the
 * window before. (A loop of its own: V8 optimizes it apart from the async code above.)
 */
function priceWindows(
  billed: { customer: CustomerForBilling; period: Period; planId: number }[],
  usage: Map<string, string>[],
  byPlan: Map<number, (VersionRow & { effectiveFrom: string })[]>,
): PricedWindow[] {
  const chosen = new Map<string, { id: number; pricing: Pricing } | null>();
  const priced: PricedWindow[] = [];
  let last: { planId: number; startMs: number; endMs: number; version: { id: number; pricing: Pricing } | null } | null = null;
  for (let i = 0; i < billed.length; i++) {
    const { customer, period, planId } = billed[i];
    const startMs = period.start.getTime();
    const endMs = period.end.getTime();
    if (last === null || last.planId !== planId || last.startMs !== startMs || last.endMs !== endMs) {
      const key = `${planId}:${startMs}:${endMs}`;
      let version = chosen.get(key);
      if (version === undefined) {
        const row: (VersionRow & { effectiveFrom: string }) | undefined = versionForPeriod(byPlan.get(planId) ?? [], period);
        version = row ? { id: Number(row.id), pricing: versionPricing(Number(row.id), row.pricing) } : null;
        chosen.set(key, version);
      }
      last = { planId, startMs, endMs, version };
    }
    if (last.version === null) continue;
    const used = usage[i];
    priced.push({ customer, period, versionId: last.version.id, usage: Object.fromEntries(used), rating: rate(last.version.pricing, used, period) });
  }
  return priced;
}

/** After a plain insert of drafts meets an existing one, drafting upserts for a minute. */
const draftInserts = new PlainInsertSwitch(60_000);

/**
 * Drafts (or re-rates) the invoices of closed periods from Postgres, many per statement.
 * Idempotent: an invoice is unique per (customer, period) and a finalized one is never touched.
 */
export async function draftInvoices(items: { customer: CustomerForBilling; period: Period }[]): Promise<number[]> {
  const priced = await rateFromEventLog(sqlClient(), items, [...(await metricsById()).values()]);
  const values = priced.map((p) => ({
      customerId: p.customer.id,
      periodStart: p.period.start,
      periodEnd: p.period.end,
      planVersionId: p.versionId,
      currency: p.rating.currency,
      lines: p.rating.lines,
      usage: p.usage,
      subtotal: p.rating.subtotal,
      tax: p.rating.tax,
      total: p.rating.total,
  }));
  // invoice.drafted once, when the draft is first written (re-rating is not a new event), in the
  // same statement: a draft never exists without its event.
  const write = (plain: boolean) =>
    withWebhookEvents(async (tx, events) => {
      const written = await upsertDraftInvoices(tx, values, (drafted) => invoiceDeliveriesSql(tx, "invoice.drafted", drafted), { plain });
      events.push(...written.deliveries);
      return written.ids;
    });
  // Plain inserts first while drafts are new; once some already exist (re-rating in the grace
  // period, a run taken up again, a concurrent run), the upsert, for a while.
  if (!draftInserts.plain) return write(false);
  try {
    return await write(true);
  } catch (error) {
    if (!isUniqueViolation(error, "invoices_customer_period_key")) throw error;
    draftInserts.conflicted();
    return write(false);
  }
}

export async function draftInvoice(customer: CustomerForBilling, period: Period): Promise<Invoice | undefined> {
  const [id] = await draftInvoices([{ customer, period }]);
  return id === undefined ? undefined : findInvoice(db(), { id });
}

/** Raw rows: the shared client leaves timestamps as strings (drizzle's driver setting). */
type InvoiceRow = { id: string; customer_id: string; plan_id: string | null; previous_plan_id: string | null; plan_changes_at: string | null; status: Invoice["status"]; period_start: string; period_end: string };

/**
 * Finalizes a draft: under the customer's counter lock (no ingest flush is half-way for this
 * customer, and later ones see the period as closed) it is re-rated from the event log, then
 * numbered from the year's sequence row, whose lock is held until commit, so numbers have no
 * gap and no repeat even when finalizations fail or race.
 */
export async function finalizeInvoice(id: number, options: { now?: Date; actor?: Actor; beforeCommit?: () => void } = {}) {
  const now = options.now ?? new Date();
  const metrics = [...(await metricsById()).values()];
  await withWebhookEvents(async (tx, events) => {
    const [invoice] = await tx<InvoiceRow[]>`
      select i.id, i.customer_id, c.plan_id, c.previous_plan_id, to_json(c.plan_changes_at) #>> '{}' as plan_changes_at, i.status, i.period_start, i.period_end
      from invoices i join customers c on c.id = i.customer_id where i.id = ${id} for update of i`;
    if (!invoice) throw new ApiError("not_found", `No invoice ${id}.`);
    if (invoice.status !== "draft") throw new ApiError("conflict", `Invoice ${id} is already ${invoice.status}.`);
    const period = { start: new Date(invoice.period_start), end: new Date(invoice.period_end) };
    if (period.end.getTime() > now.getTime()) throw new ApiError("conflict", `The period of invoice ${id} has not ended yet.`);
    await tx`select pg_advisory_xact_lock(${COUNTER_LOCK_NAMESPACE}, ${Number(invoice.customer_id)}::int4)`;
    const customer = {
      id: Number(invoice.customer_id),
      planId: invoice.plan_id === null ? null : Number(invoice.plan_id),
      previousPlanId: invoice.previous_plan_id === null ? null : Number(invoice.previous_plan_id),
      planChangesAt: invoice.plan_changes_at === null ? null : new Date(invoice.plan_changes_at),
    };
    const [priced] = await rateFromEventLog(tx, [{ customer, period }], metrics);
    if (!priced) throw new ApiError("conflict", `Invoice ${id} has no plan version to price it.`);
    const [{ last_number }] = await tx<{ last_number: number }[]>`
      insert into invoice_sequences (year, last_number) values (${now.getUTCFullYear()}, 1)
      on conflict (year) do update set last_number = invoice_sequences.last_number + 1
      returning last_number`;
    const number = `INV-${now.getUTCFullYear()}-${String(last_number).padStart(6, "0")}`;
    options.beforeCommit?.();
    const { rating } = priced;
    await tx`
      update invoices set status = 'finalized', number = ${number}, plan_version_id = ${priced.versionId},
        currency = ${rating.currency}, lines = ${JSON.stringify(rating.lines)}::jsonb, usage = ${JSON.stringify(priced.usage)}::jsonb,
        subtotal = ${rating.subtotal}, tax = ${rating.tax}, total = ${rating.total},
        finalized_at = ${now.toISOString()}::timestamptz, due_at = ${new Date(now.getTime() + PAYMENT_TERMS_DAYS * 86_400_000).toISOString()}::timestamptz, updated_at = now()
      where id = ${id}`;
    // Recorded in the same transaction: a finalized invoice always has its event and its audit entry.
    events.push(...(await recordInvoiceEvents(tx, "invoice.finalized", [id])));
    await recordAudit(options.actor, { action: "invoice.finalized", entityType: "invoice", entityId: String(id), before: { status: "draft" }, after: { status: "finalized" } }, tx);
  });
}

type Transition = { now?: Date; actor?: Actor };

/** finalized -> paid. */
export const payInvoice = (id: number, { now = new Date(), actor }: Transition = {}) =>
  settleInvoice(id, "paid", (sql) => sql`paid_at = ${now.toISOString()}::timestamptz`, actor, { status: "paid" });

/** finalized -> void, keeping the row and its number. */
export const voidInvoice = (id: number, reason: string, { now = new Date(), actor }: Transition = {}) =>
  settleInvoice(id, "void", (sql) => sql`voided_at = ${now.toISOString()}::timestamptz, void_reason = ${reason}`, actor, { status: "void", reason });

const SETTLED_EVENTS = { paid: "invoice.paid", void: "invoice.voided" } as const;

/** Moves a finalized invoice to paid or void, with its event and audit entry (`after` its new state) in the same transaction. */
async function settleInvoice(id: number, status: keyof typeof SETTLED_EVENTS, columns: (sql: Sql) => ReturnType<Sql>, actor: Actor | undefined, after: object) {
  const moved = await withWebhookEvents(async (tx, events) => {
    const rows = await tx`update invoices set status = ${status}, ${columns(tx)}, updated_at = now() where id = ${id} and status = 'finalized' returning id`;
    if (rows.length === 0) return false;
    events.push(...(await recordInvoiceEvents(tx, SETTLED_EVENTS[status], [id])));
    await recordAudit(actor, { action: SETTLED_EVENTS[status], entityType: "invoice", entityId: String(id), before: { status: "finalized" }, after }, tx);
    return true;
  });
  if (!moved) await explainRefusal(id, status);
}

async function explainRefusal(id: number, target: string): Promise<never> {
  const sql = sqlClient();
  const [row] = await sql<{ status: string }[]>`select status from invoices where id = ${id}`;
  if (!row) throw new ApiError("not_found", `No invoice ${id}.`);
  throw new ApiError("conflict", `Invoice ${id} is ${row.status}; only a finalized invoice can become ${target}.`);
}

/** What an API client sees; overdue is shown, not stored. */
export function serializeInvoice(invoice: Invoice, customerExternalId: string, now = new Date()) {
  const overdue = invoice.status === "finalized" && invoice.dueAt !== null && invoice.dueAt.getTime() < now.getTime();
  return {
    id: invoice.id,
    number: invoice.number,
    customer: customerExternalId,
    status: invoice.status,
    overdue,
    period: { start: invoice.periodStart.toISOString(), end: invoice.periodEnd.toISOString() },
    currency: invoice.currency,
    lines: invoice.lines,
    usage: invoice.usage,
    subtotal: invoice.subtotal,
    tax: invoice.tax,
    total: invoice.total,
    dueAt: invoice.dueAt?.toISOString() ?? null,
    finalizedAt: invoice.finalizedAt?.toISOString() ?? null,
    paidAt: invoice.paidAt?.toISOString() ?? null,
    voidedAt: invoice.voidedAt?.toISOString() ?? null,
    voidReason: invoice.voidReason,
  };
}

export type InvoiceView = ReturnType<typeof serializeInvoice>;
