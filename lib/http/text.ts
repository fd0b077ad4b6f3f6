import { z } from "zod";

/** NUL and unpaired UTF-16 surrogates cannot be stored by Postgres: refuse them at the edge. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const storableText = (field = "text") =>
  z.string().refine((value) => !UNSTORABLE.test(value), { message: `${field} contains a NUL or an unpaired surrogate character` });

const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, "g");

/** Text from outside that is only logged (a receiver's answer): what Postgres cannot store becomes U+FFFD. */
export const storableCopy = (value: string) => value.replace(UNSTORABLE_ALL, "\uFFFD");
