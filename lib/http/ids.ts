import { z } from "zod";

/** A row id as it appears in a URL: decimal digits only ("0x10", "1e1" or " 7" name nothing). */
export const idSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, "must be a positive whole number")
  .transform(Number)
  .pipe(z.number().max(Number.MAX_SAFE_INTEGER));
