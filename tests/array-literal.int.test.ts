import { afterAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { arrayLiteral } from "@/lib/db/array-literal";
import { testSql } from "./helpers/fixtures";

describe("array literals", () => {
  const sql = testSql();
  afterAll(() => sql.end());

  it("Postgres reads back exactly the values written, whatever characters they hold", async () => {
    const texts = ["plain", 'a "quoted" id', "back\\slash\\", "comma,brace}{", "NULL", "", " spaced ", "ünï©ødé ✓", "tab\there", null, "new\nline"];
    // Read back as JSON: the driver's own array parser turns a NULL element into "NULL".
    const [row] = await sql<{ texts: string; ints: string; numerics: string }[]>`
      select array_to_json(${arrayLiteral(texts)}::text[])::text as texts,
             array_to_json(${arrayLiteral([1, -2, 9_007_199_254_740_991])}::int8[])::text as ints,
             array_to_json(${arrayLiteral(["0.1", "12345678901234567890.123456"])}::numeric[]::text[])::text as numerics`;
    expect(JSON.parse(row.texts)).toEqual(texts);
    expect(JSON.parse(row.ints)).toEqual([1, -2, 9_007_199_254_740_991]);
    expect(JSON.parse(row.numerics)).toEqual(["0.1", "12345678901234567890.123456"]);
  });
});
