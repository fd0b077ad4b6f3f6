import { randomBytes } from "node:crypto";
import { z } from "zod";
import { inTransaction, sqlClient } from "@/lib/db/client";
import { WEBHOOK_EVENT_TYPES } from "@/lib/db/schema";
import { type Actor, recordAudit } from "@/lib/admin/audit";
import { env } from "@/lib/env";
import { ApiError } from "@/lib/http/api-error";
import { addDeliveryJobs } from "@/lib/jobs/webhook-queue";
import { privateUrlProblem } from "./network";

export const endpointInputSchema = z.object({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    // Checks run on after a failed one: a string that is no URL is left to the message above.
    .refine((url) => !URL.canParse(url) || (({ username, password }) => !username && !password)(new URL(url)), "must not carry a user or password: receivers verify the signature instead"),
  eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).max(WEBHOOK_EVENT_TYPES.length),
});

/**
 * Adds an endpoint with a new signing secret (whsec_ + 24 random bytes, base64), returned once
 * here. A URL whose host is a private address is refused unless private networks are allowed
 * (a name is checked again at each delivery, against what it resolves to then).
 */
export async function createEndpoint(
  input: z.output<typeof endpointInputSchema>,
  { allowPrivate = env().WEBHOOK_ALLOW_PRIVATE_NETWORKS, actor }: { allowPrivate?: boolean; actor?: Actor } = {},
) {
  const problem = allowPrivate ? null : privateUrlProblem(new URL(input.url));
  if (problem) throw new ApiError("validation_failed", `The URL's host ${problem.message}.`, [{ path: "url", message: "private, loopback or reserved address" }]);
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  return inTransaction(async (tx) => {
    const [row] = await tx<{ id: string }[]>`
      insert into webhook_endpoints (url, secret, event_types) values (${input.url}, ${secret}, ${tx.array([...new Set(input.eventTypes)])}::text[]) returning id`;
    await recordAudit(actor, { action: "webhook_endpoint.created", entityType: "webhook_endpoint", entityId: row.id, after: input }, tx);
    return { id: Number(row.id), secret };
  });
}

export async function setEndpointEnabled(id: number, enabled: boolean, actor?: Actor) {
  await inTransaction(async (tx) => {
    const rows = await tx`update webhook_endpoints set enabled = ${enabled} where id = ${id} returning id`;
    if (rows.length === 0) throw new ApiError("not_found", `No webhook endpoint ${id}.`);
    await recordAudit(actor, { action: enabled ? "webhook_endpoint.enabled" : "webhook_endpoint.disabled", entityType: "webhook_endpoint", entityId: String(id), after: { enabled } }, tx);
  });
}

export type EndpointView = { id: number; url: string; eventTypes: string[]; enabled: boolean; secret: string; createdAt: string };

export async function listEndpoints(): Promise<EndpointView[]> {
  const rows = await sqlClient()<{ id: string; url: string; event_types: string[]; enabled: boolean; secret: string; created_at: string }[]>`
    select id, url, event_types, enabled, secret, to_json(created_at) #>> '{}' as created_at from webhook_endpoints order by id`;
  return rows.map((r) => ({ id: Number(r.id), url: r.url, eventTypes: r.event_types, enabled: r.enabled, secret: r.secret, createdAt: new Date(r.created_at).toISOString() }));
}

export type AttemptView = { attempt: number; statusCode: number | null; latencyMs: number; responseExcerpt: string | null; at: string };
export type DeliveryView = { id: number; endpointUrl: string; eventType: string; messageId: string; status: string; attempts: AttemptView[]; createdAt: string };

/** The latest deliveries with every attempt: status, latency and the start of the answer. */
export async function listDeliveries(limit = 100): Promise<DeliveryView[]> {
  const rows = await sqlClient()<{ id: string; url: string; event_type: string; message_id: string; status: string; created_at: string; attempts: AttemptView[] | null }[]>`
    select d.id, e.url, d.event_type, d.message_id, d.status, to_json(d.created_at) #>> '{}' as created_at,
      (select json_agg(json_build_object('attempt', a.attempt, 'statusCode', a.status_code, 'latencyMs', a.latency_ms,
                                         'responseExcerpt', a.response_excerpt, 'at', a.created_at) order by a.attempt)
       from webhook_attempts a where a.delivery_id = d.id) as attempts
    from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
    order by d.id desc limit ${limit}`;
  return rows.map((r) => ({ id: Number(r.id), endpointUrl: r.url, eventType: r.event_type, messageId: r.message_id, status: r.status, attempts: r.attempts ?? [], createdAt: new Date(r.created_at).toISOString() }));
}

/** A manual retry of a failed delivery: one more attempt, now. */
export async function retryDelivery(id: number, actor?: Actor) {
  const row = await inTransaction(async (tx) => {
    const [row] = await tx<{ attempts: number }[]>`
      update webhook_deliveries set status = 'pending', finished_at = null where id = ${id} and status = 'failed' returning attempts`;
    if (!row) throw new ApiError("conflict", `Delivery ${id} is not failed (only a failed delivery is retried by hand).`);
    await recordAudit(actor, { action: "webhook_delivery.retried", entityType: "webhook_delivery", entityId: String(id) }, tx);
    return row;
  });
  await addDeliveryJobs([id], { firstAttempt: row.attempts + 1, manual: true });
}
