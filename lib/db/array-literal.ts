/**
 * A Postgres array literal ('{1,2,3}', '{"a","b\\"c",NULL}') for a parameter cast to an array
 * type, such as ${arrayLiteral(ids)}::int8[]. The driver's own array serializer escapes every
 * element with two regular expressions and a closure; a group commit of thousands of events
 * sends seven such arrays, so numbers are joined as they are and strings are escaped only when
 * they hold a quote or a backslash.
 */
export function arrayLiteral(values: readonly (string | number | null)[]): string {
  if (values.length === 0) return "{}";
  let numbers = true;
  let plain = true;
  for (const value of values) {
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new Error(`arrayLiteral: ${value} is not a finite number`);
    } else {
      numbers = false;
      if (value === null || NEEDS_ESCAPE.test(value)) plain = false;
    }
  }
  if (numbers) return `{${values.join(",")}}`;
  if (plain) return `{"${values.join('","')}"}`;
  return `{${values.map((value) => (value === null ? "NULL" : `"${String(value).replace(ESCAPED, "\\$&")}"`)).join(",")}}`;
}

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;
