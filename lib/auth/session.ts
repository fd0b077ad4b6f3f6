import { headers } from "next/headers";
import { cache } from "react";
import { notFound, redirect } from "next/navigation";
import { auth } from "./auth";

export type SessionUser = { id: string; name: string; email: string; role: "customer" | "admin"; customerId: number | null };
export type CustomerSession = SessionUser & { role: "customer"; customerId: number };
export type AdminSession = SessionUser & { role: "admin"; customerId: null };

/**
 * The signed-in user, from the session cookie checked against the sessions table; null if none.
 * Once per request: a layout and its page both check, and share the one lookup.
 */
export const currentUser = cache(async (requestHeaders?: Headers): Promise<SessionUser | null> => {
  // Reading the request headers first also marks the page as dynamic (never prerendered).
  const source = requestHeaders ?? (await headers());
  const session = await auth().api.getSession({ headers: source });
  if (!session) return null;
  const { id, name, email, role, customerId } = session.user as typeof session.user & { role?: string; customerId?: number | null };
  if (role === "admin") return { id, name, email, role, customerId: null };
  if (role === "customer" && typeof customerId === "number") return { id, name, email, role, customerId };
  return null;
});

/**
 * For every portal page, action and route: the customer comes from the session, never from the
 * request. Anonymous -> sign-in; an admin has no customer account -> the console.
 */
export async function requireCustomer(returnTo = "/overview"): Promise<CustomerSession> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  if (user.role !== "customer") redirect("/admin");
  return user as CustomerSession;
}

/** For every admin page, action and route. A customer gets a 404: the console does not exist for them. */
export async function requireAdmin(returnTo = "/admin"): Promise<AdminSession> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  if (user.role !== "admin") notFound();
  return user as AdminSession;
}
