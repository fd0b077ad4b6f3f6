import { randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import type { Sql } from "postgres";

export type NewUser = { email: string; name: string; password: string } & ({ role: "admin" } | { role: "customer"; customerId: number });

/**
 * Creates a user with an email/password credential hashed by the auth library (the same hash its
 * sign-in verifies). Accounts are made by the operator: there is no public sign-up. Idempotent
 * on email: an existing user is left as it is.
 */
export async function createUser(sql: Sql, user: NewUser): Promise<string> {
  // The hash is deliberately slow: skip it for a user who already exists (npm start re-checks the demo users).
  const [known] = await sql<{ id: string }[]>`select id from users where email = ${user.email.toLowerCase()}`;
  if (known) return known.id;
  const hash = await hashPassword(user.password);
  const id = randomUUID();
  return sql.begin(async (tx) => {
    const [row] = await tx<{ id: string }[]>`
      insert into users (id, name, email, email_verified, role, customer_id)
      values (${id}, ${user.name}, ${user.email.toLowerCase()}, true, ${user.role}, ${user.role === "customer" ? user.customerId : null})
      on conflict (email) do nothing returning id`;
    if (!row) {
      const [existing] = await tx<{ id: string }[]>`select id from users where email = ${user.email.toLowerCase()}`;
      return existing.id;
    }
    await tx`insert into accounts (id, account_id, provider_id, user_id, password) values (${randomUUID()}, ${id}, 'credential', ${id}, ${hash})`;
    return id;
  }) as Promise<string>;
}
