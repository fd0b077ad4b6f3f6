import { describe, expect, it } from "vitest";
import { storableCopy, storableText } from "./text";

describe("text Postgres can store", () => {
  it("replaces NULs and unpaired surrogates in a copy, and keeps pairs", () => {
    expect(storableCopy("ok\u0000done\u0000")).toBe("ok\uFFFDdone\uFFFD");
    expect(storableCopy("a\uD83D")).toBe("a\uFFFD");
    expect(storableCopy("\uDE00b")).toBe("\uFFFDb");
    expect(storableCopy("\uD800\uD800\uDC00")).toBe("\uFFFD\uD800\uDC00");
    expect(storableCopy("smile \u{1F600}")).toBe("smile \u{1F600}");
    // The shared pattern keeps no state between calls.
    expect(storableCopy("\u0000")).toBe("\uFFFD");
    expect(storableCopy("\u0000")).toBe("\uFFFD");
  });

  it("refuses the same characters at the edge", () => {
    expect(storableText().safeParse("fine \u{1F600}").success).toBe(true);
    expect(storableText().safeParse("a\u0000b").success).toBe(false);
    expect(storableText().safeParse("a\uD83D").success).toBe(false);
  });
});
