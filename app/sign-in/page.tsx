import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

/** Only same-site paths: "/x" yes, "//evil.test" or "https://…" no. */
function safeNext(next: string | string[] | undefined): string | null {
  return typeof next === "string" && /^\/(?![/\\])[\w\-./?=&%]*$/.test(next) && next.length <= 200 ? next : null;
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNext((await searchParams).next);
  const user = await currentUser();
  if (user) redirect(next ?? (user.role === "admin" ? "/admin" : "/overview"));
  return (
    <main className="narrow">
      <h1>Sign in to Meterline</h1>
      <p className="muted">See your live usage, estimated spend and invoices.</p>
      <SignInForm next={next} />
    </main>
  );
}
