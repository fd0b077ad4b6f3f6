import { PERIOD_CLOSE } from "@/lib/admin/audit";
import { sqlClient } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { billedCustomers } from "@/lib/db/queries/invoice-runs";
import { draftInvoices, finalizeInvoice } from "./invoices";
import { billable, periodContaining, previousPeriod } from "./periods";

/** Late events for a period still count during this grace period after its end. */
export const GRACE_PERIOD_MS = Number(process.env.INVOICE_GRACE_HOURS ?? 24) * 3_600_000;

/**
 * The scheduled pass (hourly): drafts every billed customer's just-ended period, re-rates
 * drafts still in their grace period, and finalizes drafts whose grace period is over.
 */
export async function closeDuePeriods(now = new Date()) {
  const customers = await billedCustomers(sqlClient());
  let drafted = 0;
  for (let i = 0; i < customers.length; i += 500) {
    const items = customers
      .slice(i, i + 500)
      .map((customer) => ({ customer, period: previousPeriod(periodContaining(now, customer.rule), customer.rule) }))
      .filter(({ customer, period }) => now.getTime() - period.end.getTime() <= GRACE_PERIOD_MS && billable(customer, period));
    drafted += (await draftInvoices(items)).length;
  }
  const due = await sqlClient()<{ id: string }[]>`
    select id from invoices where status = 'draft' and period_end <= ${new Date(now.getTime() - GRACE_PERIOD_MS).toISOString()}::timestamptz order by id`;
  let finalized = 0;
  for (const { id } of due) {
    try {
      await finalizeInvoice(Number(id), { now, actor: PERIOD_CLOSE });
      finalized++;
    } catch (error) {
      logger.error({ err: error, invoice: id }, "finalization failed");
    }
  }
  logger.info({ drafted, finalized }, "closed due periods");
  return { drafted, finalized };
}
