import type { APIRequestContext, Page } from "@playwright/test";
import postgres from "postgres";
import { createUser } from "../lib/auth/users";

export const API_KEY = "mk_live_test0000000000000000000000000000000000000000";
export const auth = { authorization: `Bearer ${API_KEY}` };
export const PASSWORD = "e2e-password-123";

/** Signs in through the form; by default waits until the browser has left the sign-in page. */
export async function signIn(page: Page, email: string, password: string, { expectSignedIn = true } = {}) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (expectSignedIn) await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
}

/** Waits for the bootstrap API key, which the server creates at start-up. */
export async function waitForApi(request: APIRequestContext) {
  for (let i = 0; i < 100; i++) {
    if ((await request.get("/api/v1/metrics", { headers: auth })).status() === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the API did not accept the bootstrap key");
}

async function ok(response: Awaited<ReturnType<APIRequestContext["post"]>>, what: string) {
  if (!response.ok()) throw new Error(`${what}: ${response.status()} ${await response.text()}`);
  return response.json();
}

export type PortalCustomer = { externalId: string; name: string; email: string; id: number; metric: string; planCode: string };

/**
 * A metric, a plan pricing it and a customer with a portal user, all with names unique to this
 * run (the test database is shared with earlier suites). Created over the API, except the user:
 * accounts are made by the operator, so the test writes it as the seed does.
 */
export async function createPortalCustomer(
  request: APIRequestContext,
  label: string,
  options: { pricing?: (metric: string) => object; shareWith?: PortalCustomer } = {},
): Promise<PortalCustomer> {
  const tag = `${label}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const metric = options.shareWith?.metric ?? `calls_${tag}`;
  const planCode = options.shareWith?.planCode ?? `plan_${tag}`;
  if (!options.shareWith) {
    await ok(await request.post("/api/v1/metrics", { headers: auth, data: { code: metric, name: "API calls", unit: "call", aggregation: "sum" } }), "metric");
    const pricing = options.pricing?.(metric) ?? {
      currency: "USD", interval: "month", baseFee: "0", minimumCommitment: "0", taxRate: "0.10",
      charges: [{ metric, model: "graduated", included: "100", tiers: [{ upTo: "1000", unitPrice: "0.01" }, { upTo: null, unitPrice: "0.005" }] }],
    };
    await ok(await request.post("/api/v1/plans", { headers: auth, data: { code: planCode, name: `Plan ${tag}`, pricing } }), "plan");
  }
  const externalId = `cus_${tag}`;
  const name = `${label[0].toUpperCase()}${label.slice(1)} ${tag.slice(-6)}`;
  const email = `${tag}@e2e.test`;
  await ok(await request.post("/api/v1/customers", { headers: auth, data: { externalId, name, email, planCode } }), "customer");
  const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  try {
    // Signed up long ago, so last month is billable.
    const [{ id }] = await sql<{ id: string }[]>`update customers set created_at = now() - interval '120 days' where external_id = ${externalId} returning id`;
    await createUser(sql, { email, name, password: PASSWORD, role: "customer", customerId: Number(id) });
    return { externalId, name, email, id: Number(id), metric, planCode };
  } finally {
    await sql.end();
  }
}

export async function sendEvents(request: APIRequestContext, events: object[]) {
  const body = await ok(await request.post("/api/v1/events", { headers: auth, data: { events } }), "events");
  return body as { receipts: { status: string }[] };
}

/** An admin user unique to this run. */
export async function createAdmin(): Promise<{ email: string; password: string }> {
  const email = `admin_${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}@e2e.test`;
  const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  try {
    await createUser(sql, { email, name: "E2E admin", password: PASSWORD, role: "admin" });
    return { email, password: PASSWORD };
  } finally {
    await sql.end();
  }
}

/** Deletes a webhook endpoint behind the console's back (its deliveries go with it). */
export async function deleteWebhookEndpoint(url: string) {
  const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  try {
    await sql`delete from webhook_endpoints where url = ${url}`;
  } finally {
    await sql.end();
  }
}
