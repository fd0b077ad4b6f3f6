import Link from "next/link";
import { requireAdmin } from "@/lib/auth/session";
import { SignOutButton } from "../(portal)/sign-out-button";

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await requireAdmin();
  return (
    <>
      <header className="topbar">
        <Link href="/admin" className="brand">Meterline admin</Link>
        <nav aria-label="Main" />
        <div className="who">
          <span className="muted">{user.email}</span>
          <SignOutButton />
        </div>
      </header>
      <main>{children}</main>
    </>
  );
}
