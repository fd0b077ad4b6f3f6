import { describe, expect, it } from "vitest";
import { csvCell } from "./invoice-csv";

describe("csvCell", () => {
  it.each([
    ["=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""],
    ["+1+2", "'+1+2"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["Acme, Inc.", "\"Acme, Inc.\""],
    ["-5", "-5"],
    [-12.5, "-12.5"],
    [1234, "1234"],
    ["plain", "plain"],
    [null, ""],
  ])("%j -> %s", (input, expected) => {
    expect(csvCell(input as string | number | null)).toBe(expected);
  });
});
