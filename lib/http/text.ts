import { z } from "zod";

/** NUL and unpaired UTF-16 surrogates cannot be stored by Postgres: refuse them at the edge. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const storableText = (field = "text") =>
  z.string().refine((value) => !UNSTORABLE.test(value), { message: `${field} contains a NUL or an unpaired surrogate character` });
