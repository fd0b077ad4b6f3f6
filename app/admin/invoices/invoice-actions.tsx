"use client";
import { finalizeInvoiceAction, payInvoiceAction, voidInvoiceAction } from "../actions";
import { ActionError, useAdminAction } from "../action-errors";

export function InvoiceActions({ id, status }: { id: number; status: string }) {
  const { result, pending, run } = useAdminAction();
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
      <ActionError result={result} />
    </div>
  );
}
