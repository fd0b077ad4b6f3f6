import { describe, expect, it } from "vitest";
import { arrayLiteral } from "./array-literal";

describe("arrayLiteral", () => {
  it("writes numbers, plain strings, and strings with quotes, backslashes and NULLs", () => {
    expect(arrayLiteral([])).toBe("{}");
    expect(arrayLiteral([1, 22, -3])).toBe("{1,22,-3}");
    expect(arrayLiteral(["a", "b c", "1.5"])).toBe('{"a","b c","1.5"}');
    expect(arrayLiteral(['say "hi"', "back\\slash", null, "{x}"])).toBe('{"say \\"hi\\"","back\\\\slash",NULL,"{x}"}');
    expect(() => arrayLiteral([1, Number.NaN])).toThrow(/not a finite number/);
  });
});
