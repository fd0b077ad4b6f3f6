import { requireCustomer } from "@/lib/auth/session";
import { TopBar } from "../top-bar";

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
      <TopBar brand="Meterline" home="/overview" links={LINKS} who={user.name} whoTitle={user.email} />
      <main>{children}</main>
    </>
  );
}
