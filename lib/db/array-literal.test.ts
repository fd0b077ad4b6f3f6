import { describe, expect, it } from "vitest";
import { arrayLiteral } from "./array-literal";

describe("arrayLiteral", () => {
  it("writes numbers, plain strings, and strings with quotes, backslashes and NULLs", () => {
    expect(arrayLiteral([])).toBe("{}");
    expect(arrayLiteral([1, 22, -3])).toBe("{1,22,-3}");
    expect(arrayLiteral(["a", "b c", "1.5"])).toBe('{"a","b c","1.5"}');
    expect(arrayLiteral(['say "hi"', "back\\slash", null, "{x}"])).toBe('{"say \\"hi\\"","back\\\\slash",NULL,"{x}"}');
    expect(arrayLiteral([1.5, 1e21, -0.25])).toBe("{1.5,1e+21,-0.25}");
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => arrayLiteral([1, bad])).toThrow(/not a list of finite numbers/);
    }
    expect(() => arrayLiteral([1, "1}" as unknown as number])).toThrow(/not a list of finite numbers/);
    expect(arrayLiteral(['a "b"', "c"])).toBe('{"a \\"b\\"","c"}');
  });
});
