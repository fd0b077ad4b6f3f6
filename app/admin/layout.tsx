import { requireAdmin } from "@/lib/auth/session";
import { TopBar } from "../top-bar";

const LINKS = [
  { href: "/admin/plans", label: "Plans" },
  { href: "/admin/metrics", label: "Metrics" },
  { href: "/admin/customers", label: "Customers" },
  { href: "/admin/invoices", label: "Invoicing" },
  { href: "/admin/api-keys", label: "API keys" },
  { href: "/admin/webhooks", label: "Webhooks" },
  { href: "/admin/audit", label: "Audit log" },
];

/** The console's frame. Each page and action below checks the admin role itself as well. */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await requireAdmin();
  return (
    <>
      <TopBar brand="Meterline console" home="/admin" links={LINKS} who={user.email} />
      <main>{children}</main>
    </>
  );
}
