/**
 * A Postgres array literal ('{1,2,3}', '{"a","b\\"c",NULL}') for a parameter cast to an array
 * type, such as ${arrayLiteral(ids)}::int8[]. The driver's own array serializer escapes every
 * element with two regular expressions and a closure; a group commit of thousands of events
 * sends seven such arrays, so this joins them natively and escapes only when a value needs it.
 */
export function arrayLiteral(values: readonly number[] | readonly (string | null)[]): string {
  if (values.length === 0) return "{}";
  if (typeof values[0] === "number") {
    // Integer columns only (ids, epoch milliseconds); decimals travel as strings.
    for (const value of values) {
      if (!Number.isSafeInteger(value)) throw new Error(`arrayLiteral: ${String(value)} is not a safe integer`);
    }
    return `{${values.join(",")}}`;
  }
  const texts = values as readonly (string | null)[];
  if (!texts.includes(null)) {
    const joined = texts.join('","');
    if (!NEEDS_ESCAPE.test(joined)) return `{"${joined}"}`;
  }
  return `{${texts.map((value) => (value === null ? "NULL" : `"${value.replace(ESCAPED, "\\$&")}"`)).join(",")}}`;
}

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;
