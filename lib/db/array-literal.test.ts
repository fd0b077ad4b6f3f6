import { describe, expect, it } from "vitest";
import { arrayLiteral } from "./array-literal";

describe("arrayLiteral", () => {
  it("writes numbers, plain strings, and strings with quotes, backslashes and NULLs", () => {
    expect(arrayLiteral([])).toBe("{}");
    expect(arrayLiteral([1, 22, -3])).toBe("{1,22,-3}");
    expect(arrayLiteral(["a", "b c", "1.5"])).toBe('{"a","b c","1.5"}');
    expect(arrayLiteral(['say "hi"', "back\\slash", null, "{x}"])).toBe('{"say \\"hi\\"","back\\\\slash",NULL,"{x}"}');
    expect(arrayLiteral([0, -0, 9_007_199_254_740_991])).toBe("{0,0,9007199254740991}");
    for (const bad of [1.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY, "1}" as unknown as number]) {
      expect(() => arrayLiteral([1, bad])).toThrow(/is not a safe integer/);
    }
    expect(arrayLiteral(['a "b"', "c"])).toBe('{"a \\"b\\"","c"}');
  });
});
