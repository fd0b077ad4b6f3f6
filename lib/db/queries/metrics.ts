import type { DbConn } from "@/lib/db/client";
import { billableMetrics, type BillableMetric } from "@/lib/db/schema";

export async function insertMetric(db: DbConn, params: Omit<BillableMetric, "id" | "createdAt">) {
  const [row] = await db.insert(billableMetrics).values(params).onConflictDoNothing({ target: billableMetrics.code }).returning();
  return row;
}
