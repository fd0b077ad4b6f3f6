import Link from "next/link";
import { requireAdmin } from "@/lib/auth/session";
import { NavLinks } from "../(portal)/nav-links";
import { SignOutButton } from "../(portal)/sign-out-button";

const LINKS = [
  { href: "/admin/plans", label: "Plans" },
  { href: "/admin/metrics", label: "Metrics" },
  { href: "/admin/customers", label: "Customers" },
  { href: "/admin/invoices", label: "Invoicing" },
  { href: "/admin/api-keys", label: "API keys" },
  { href: "/admin/audit", label: "Audit log" },
];

/** The console's frame. Each page and action below checks the admin role itself as well. */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await requireAdmin();
  return (
    <>
      <header className="topbar">
        <Link href="/admin" className="brand">Meterline console</Link>
        <NavLinks links={LINKS} />
        <div className="who">
          <span className="muted">{user.email}</span>
          <SignOutButton />
        </div>
      </header>
      <main>{children}</main>
    </>
  );
}
