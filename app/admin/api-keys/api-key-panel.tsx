"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ApiKeyView } from "@/lib/admin/api-keys";
import { createApiKeyAction, revokeApiKeyAction } from "../actions";

export function ApiKeyPanel({ keys }: { keys: ApiKeyView[] }) {
  const router = useRouter();
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <form
        className="card inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const name = String(new FormData(e.currentTarget).get("name") ?? "");
          const result = await createApiKeyAction(name);
          if (result.ok) {
            setSecret(result.data.secret);
            setError(null);
            router.refresh();
          } else setError(result.error);
        }}
      >
        <label htmlFor="key-name">Name</label>
        <input id="key-name" name="name" required maxLength={100} placeholder="production backend" />
        <button type="submit" className="btn">Create key</button>
      </form>
      {secret ? (
        <div className="card" role="status">
          <p><strong>Copy this key now; it will not be shown again.</strong></p>
          <p><code data-testid="new-api-key">{secret}</code></p>
        </div>
      ) : null}
      {error ? <p role="alert" className="error-text">{error}</p> : null}
      <section className="card">
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td><td><code>{k.prefix}…</code></td><td>{k.createdAt.slice(0, 10)}</td><td>{k.lastUsedAt?.slice(0, 16).replace("T", " ") ?? "never"}</td>
                  <td>{k.revokedAt ? `revoked ${k.revokedAt.slice(0, 10)}` : (
                    <button type="button" className="btn small secondary" onClick={async () => {
                      if (!window.confirm(`Revoke ${k.name}? Requests with it will be refused.`)) return;
                      const result = await revokeApiKeyAction(k.id);
                      if (result.ok) router.refresh();
                      else setError(result.error);
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
