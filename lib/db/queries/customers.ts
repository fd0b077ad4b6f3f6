import type { Db } from "@/lib/db/client";
import { customers } from "@/lib/db/schema";

export async function insertCustomer(
  db: Db,
  params: { externalId: string; name: string; email: string; planId: number | null; billingAnchor: Date | null },
) {
  const [row] = await db.insert(customers).values(params).onConflictDoNothing({ target: customers.externalId }).returning();
  return row;
}
