import type { Metadata } from "next";
import { listApiKeys } from "@/lib/admin/api-keys";
import { requireAdmin } from "@/lib/auth/session";
import { ApiKeyPanel } from "./api-key-panel";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  await requireAdmin("/admin/api-keys");
  const keys = await listApiKeys();
  return (
    <>
      <h1>API keys</h1>
      <p className="muted">Keys authenticate your backend on <code>/api/v1</code>. Only a hash is stored: a new key is shown once. A revoked key stops working within 10 seconds.</p>
      <ApiKeyPanel keys={keys} />
    </>
  );
}
