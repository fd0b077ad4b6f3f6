"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { finalizeInvoiceAction, payInvoiceAction, voidInvoiceAction } from "../actions";

export function InvoiceActions({ id, status }: { id: number; status: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  async function run(work: () => ReturnType<typeof payInvoiceAction>) {
    setPending(true);
    const result = await work();
    setPending(false);
    if (result.ok) {
      setError(null);
      router.refresh();
    } else setError(result.error);
  }
  return (
    <div className="actions">
      {status === "draft" ? <button type="button" className="btn small" disabled={pending} onClick={() => run(() => finalizeInvoiceAction(id))}>Finalize</button> : null}
      {status === "finalized" ? (
        <>
          <button type="button" className="btn small" disabled={pending} onClick={() => run(() => payInvoiceAction(id))}>Mark paid</button>
          <button
            type="button"
            className="btn small secondary"
            disabled={pending}
            onClick={() => {
              const reason = window.prompt("Why is this invoice void?");
              if (reason) void run(() => voidInvoiceAction(id, reason));
            }}
          >
            Void
          </button>
        </>
      ) : null}
      {error ? <span role="alert" className="error-text small">{error}</span> : null}
    </div>
  );
}
