import Link from "next/link";
import { requireCustomer } from "@/lib/auth/session";
import { NavLinks } from "./nav-links";
import { SignOutButton } from "./sign-out-button";

const LINKS = [
  { href: "/overview", label: "Overview" },
  { href: "/usage", label: "Usage" },
  { href: "/invoices", label: "Invoices" },
  { href: "/alerts", label: "Alerts" },
];

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const user = await requireCustomer();
  return (
    <>
      <header className="topbar">
        <Link href="/overview" className="brand">Meterline</Link>
        <NavLinks links={LINKS} />
        <div className="who">
          <span className="muted" title={user.email}>{user.name}</span>
          <SignOutButton />
        </div>
      </header>
      <main>{children}</main>
    </>
  );
}
