import { z } from "zod";
import { ApiError, errorBody, type ErrorDetail } from "./api-error";
import { type ApiKeyActor, authenticateApiKey } from "@/lib/auth/api-keys";
import { logger } from "@/lib/logger";

export const MAX_BODY_BYTES = 1024 * 1024;

type RouteContext<P> = { params: Promise<P> };
type Handler<P> = (input: { req: Request; params: P; actor: ApiKeyActor }) => Promise<Response | unknown>;

export function zodDetails(error: z.ZodError, prefix: (string | number)[] = []): ErrorDetail[] {
  return error.issues.slice(0, 50).map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join(".") || "(body)",
    code: issue.code,
    message: issue.message,
  }));
}

export function jsonError(error: ApiError): Response {
  return Response.json(errorBody(error.code, error.message, error.details), { status: error.status });
}

/**
 * Wraps a v1 route: API-key auth, error mapping to one shape, no stack traces. Handlers return
 * a Response or a plain object (sent as 200 JSON).
 */
export function withApi<P = Record<string, never>>(handler: Handler<P>) {
  return async (req: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      const actor = await authenticateApiKey(req.headers.get("authorization"));
      const params = await context.params;
      const result = await handler({ req, params, actor });
      return result instanceof Response ? result : Response.json(result);
    } catch (error) {
      if (error instanceof ApiError) return jsonError(error);
      if (error instanceof z.ZodError) {
        return jsonError(new ApiError("validation_failed", "The request is invalid.", zodDetails(error)));
      }
      logger.error({ err: error, path: new URL(req.url).pathname }, "unhandled error in API route");
      return Response.json(errorBody("internal_error", "Something went wrong on our side."), { status: 500 });
    }
  };
}

/** Reads a JSON body of at most 1 MiB; 413 above, 400 when it is not JSON. */
export async function readJson(req: Request): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const text = await readBounded(req);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("invalid_json", "The request body is not valid JSON.", [{ path: "(body)", message: "Malformed JSON" }]);
  }
}

function tooLarge() {
  return new ApiError("payload_too_large", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
}

async function readBounded(req: Request): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

/** Parses with a zod schema; failures become a 422 naming each failing path. */
export function parseWith<T extends z.ZodType>(schema: T, input: unknown, prefix: (string | number)[] = []): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ApiError("validation_failed", "The request is invalid.", zodDetails(result.error, prefix));
  }
  return result.data;
}
