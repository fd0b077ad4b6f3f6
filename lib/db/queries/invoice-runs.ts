import { eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { customers, invoiceRuns } from "@/lib/db/schema";

export async function insertInvoiceRun(db: Db, params: { periodEnd: Date; customerId: number | null }) {
  const [row] = await db.insert(invoiceRuns).values(params).returning();
  return row;
}

export async function findInvoiceRun(db: Db, params: { id: number }) {
  const [row] = await db.select().from(invoiceRuns).where(eq(invoiceRuns.id, params.id)).limit(1);
  return row;
}

export async function markInvoiceRun(db: Db, params: { id: number; status: "running" | "completed" | "failed"; total?: number; error?: string }) {
  await db
    .update(invoiceRuns)
    .set({
      status: params.status,
      ...(params.total !== undefined ? { total: params.total } : {}),
      ...(params.error !== undefined ? { error: params.error } : {}),
      ...(params.status === "running" ? { startedAt: sql`coalesce(${invoiceRuns.startedAt}, now())`, done: 0, failed: 0 } : { finishedAt: sql`now()` }),
    })
    .where(eq(invoiceRuns.id, params.id));
}

export async function addInvoiceRunProgress(db: Db, params: { id: number; done: number; failed: number }) {
  await db
    .update(invoiceRuns)
    .set({ done: sql`${invoiceRuns.done} + ${params.done}`, failed: sql`${invoiceRuns.failed} + ${params.failed}` })
    .where(eq(invoiceRuns.id, params.id));
}

export async function billedCustomerIds(db: Db) {
  const rows = await db.select({ id: customers.id }).from(customers).where(isNotNull(customers.planId)).orderBy(customers.id);
  return rows.map((row) => row.id);
}
