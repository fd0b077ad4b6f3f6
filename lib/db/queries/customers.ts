import type { Sql } from "postgres";
import type { DbConn } from "@/lib/db/client";
import { customers } from "@/lib/db/schema";

export async function insertCustomer(
  db: DbConn,
  params: { externalId: string; name: string; email: string; planId: number | null; billingAnchor: Date | null },
) {
  const [row] = await db.insert(customers).values(params).onConflictDoNothing({ target: customers.externalId }).returning();
  return row;
}

/** Ids of customers whose external id, name or email contains `search` (all when empty), in order. */
export async function searchCustomerIds(sql: Sql, params: { search: string; limit: number }): Promise<number[]> {
  const pattern = `%${params.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await sql<{ id: string }[]>`
    select id from customers
    where ${params.search === ""} or external_id ilike ${pattern} or name ilike ${pattern} or email ilike ${pattern}
    order by id limit ${params.limit}`;
  return rows.map((r) => Number(r.id));
}

export type CustomerForEdit = { id: string; name: string; email: string; plan_code: string | null; alert_percentages: number[] | null; alert_spend: string[] | null };

/** A customer's editable fields, locked for the rest of the transaction. */
export async function lockCustomerForEdit(tx: Sql, params: { externalId: string }): Promise<CustomerForEdit | undefined> {
  const [row] = await tx<CustomerForEdit[]>`
    select c.id, c.name, c.email, p.code as plan_code, c.alert_percentages, c.alert_spend
    from customers c left join plans p on p.id = c.plan_id where c.external_id = ${params.externalId} for update of c`;
  return row;
}

export async function updateCustomerDetails(tx: Sql, params: { id: string; name: string; email: string; alertPercentages: number[] | null; alertSpend: string[] | null }) {
  await tx`update customers set name = ${params.name}, email = ${params.email},
    alert_percentages = ${params.alertPercentages === null ? null : `{${params.alertPercentages.join(",")}}`}::int[],
    alert_spend = ${params.alertSpend === null ? null : `{${params.alertSpend.join(",")}}`}::text[] where id = ${params.id}`;
}

/** External ids and names of the customers on a plan now or until their pending change, by id. */
export async function customerNamesOnPlan(sql: Sql, params: { planId: number }): Promise<Map<number, { externalId: string; name: string }>> {
  const rows = await sql<{ id: string; external_id: string; name: string }[]>`
    select id, external_id, name from customers where plan_id = ${params.planId} or previous_plan_id = ${params.planId}`;
  return new Map(rows.map((r) => [Number(r.id), { externalId: r.external_id, name: r.name }]));
}
