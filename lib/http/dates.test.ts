import { describe, expect, it } from "vitest";
import { isoDate, isoDateOrDateTime, isoDateTime } from "./dates";

const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues.map((i) => i.message) ?? [];

describe("dates from 2000 on", () => {
  it("takes dates and date-times from 2000-01-01T00:00Z on", () => {
    expect(isoDateTime().safeParse("2000-01-01T00:00:00Z").success).toBe(true);
    expect(isoDateTime().safeParse("2026-11-27T10:00:00+01:00").success).toBe(true);
    expect(isoDateOrDateTime().safeParse("2026-12-01").success).toBe(true);
    expect(isoDate().safeParse("2000-01-01").success).toBe(true);
  });

  it("refuses earlier ones, year 0000 included (it passes an ISO check but no database stores it), with one message", () => {
    for (const value of ["0000-06-15T00:00:00Z", "0001-01-01T00:30:00+01:00", "2000-01-01T00:30:00+01:00", "1999-12-31T23:59:59Z"]) {
      expect(messages(isoDateTime().safeParse(value)), value).toEqual(["must be in the year 2000 or later"]);
    }
    expect(messages(isoDateOrDateTime().safeParse("0000-01-01"))).toEqual(["must be in the year 2000 or later"]);
    expect(messages(isoDate().safeParse("1999-12-31"))).toEqual(["must be in the year 2000 or later"]);
  });

  it("reports a value that is no date only as such", () => {
    expect(messages(isoDateTime().safeParse("the 15th"))).toHaveLength(1);
    expect(messages(isoDateTime().safeParse("the 15th"))[0]).not.toMatch(/2000/);
    expect(messages(isoDate().safeParse("nope"))).toHaveLength(1);
    expect(isoDateOrDateTime().safeParse("nope").success).toBe(false);
  });
});
