"use client";
import type { ApiKeyView } from "@/lib/admin/api-keys";
import { createApiKeyAction, revokeApiKeyAction } from "../actions";
import { ActionError, useAdminAction } from "../action-errors";

export function ApiKeyPanel({ keys }: { keys: ApiKeyView[] }) {
  const created = useAdminAction<{ secret: string; prefix: string }>();
  const revoked = useAdminAction();
  return (
    <>
      <form
        className="card inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const name = String(new FormData(e.currentTarget).get("name") ?? "");
          await created.run(() => createApiKeyAction(name));
        }}
      >
        <label htmlFor="key-name">Name</label>
        <input id="key-name" name="name" required maxLength={100} placeholder="production backend" />
        <button type="submit" className="btn" disabled={created.pending}>Create key</button>
      </form>
      {created.result?.ok ? (
        <div className="card" role="status">
          <p><strong>Copy this key now; it will not be shown again.</strong></p>
          <p><code data-testid="new-api-key">{created.result.data.secret}</code></p>
        </div>
      ) : null}
      <ActionError result={created.result} />
      <ActionError result={revoked.result} />
      <section className="card">
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td><td><code>{k.prefix}…</code></td><td>{k.createdAt.slice(0, 10)}</td><td>{k.lastUsedAt?.slice(0, 16).replace("T", " ") ?? "never"}</td>
                  <td>{k.revokedAt ? `revoked ${k.revokedAt.slice(0, 10)}` : (
                    <button type="button" className="btn small secondary" disabled={revoked.pending} onClick={async () => {
                      if (!window.confirm(`Revoke ${k.name}? Requests with it will be refused.`)) return;
                      await revoked.run(() => revokeApiKeyAction(k.id));
                    }}>Revoke</button>
                  )}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
