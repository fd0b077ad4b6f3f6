import { z } from "zod";
import { ApiError } from "./api-error";

/** A row id as it appears in a URL: decimal digits only ("0x10", "1e1" or " 7" name nothing). */
export const idSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, "must be a positive whole number")
  .transform(Number)
  .pipe(z.number().max(Number.MAX_SAFE_INTEGER));

/** The id of a `what` ("invoice", "invoice run") from a URL; anything else names none of them (404). */
export function parseId(raw: string, what: string): number {
  const parsed = idSchema.safeParse(raw);
  if (!parsed.success) throw new ApiError("not_found", `No ${what} ${raw.slice(0, 40)}.`);
  return parsed.data;
}
