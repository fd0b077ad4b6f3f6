import { describe, expect, it } from "vitest";
import { nextPeriod, periodContaining, previousPeriod, type PeriodRule } from "./periods";

const iso = (p: { start: Date; end: Date }) => [p.start.toISOString(), p.end.toISOString()];
const calendarMonth: PeriodRule = { interval: "month", anchor: null };

describe("periodContaining", () => {
  it.each([
    ["2026-11-26T08:00:00Z", "2026-11-01T00:00:00.000Z", "2026-12-01T00:00:00.000Z"],
    ["2026-12-01T00:00:00Z", "2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"],
    ["2026-11-30T23:59:59.999Z", "2026-11-01T00:00:00.000Z", "2026-12-01T00:00:00.000Z"],
    ["2026-12-31T23:59:59Z", "2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"],
  ])("calendar month of %s", (at, start, end) => {
    expect(iso(periodContaining(new Date(at), calendarMonth))).toEqual([start, end]);
  });

  it("clamps an anchor on the 31st to the end of shorter months", () => {
    const rule: PeriodRule = { interval: "month", anchor: new Date("2026-01-31T12:00:00Z") };
    expect(iso(periodContaining(new Date("2026-02-15T00:00:00Z"), rule))).toEqual([
      "2026-01-31T12:00:00.000Z",
      "2026-02-28T12:00:00.000Z",
    ]);
    expect(iso(periodContaining(new Date("2028-02-29T13:00:00Z"), rule))).toEqual([
      "2028-02-29T12:00:00.000Z",
      "2028-03-31T12:00:00.000Z",
    ]);
    expect(iso(periodContaining(new Date("2026-04-30T11:59:59Z"), rule))).toEqual([
      "2026-03-31T12:00:00.000Z",
      "2026-04-30T12:00:00.000Z",
    ]);
  });

  it("handles calendar and anchored years", () => {
    expect(iso(periodContaining(new Date("2026-06-01T00:00:00Z"), { interval: "year", anchor: null }))).toEqual([
      "2026-01-01T00:00:00.000Z",
      "2027-01-01T00:00:00.000Z",
    ]);
    const rule: PeriodRule = { interval: "year", anchor: new Date("2024-02-29T00:00:00Z") };
    expect(iso(periodContaining(new Date("2026-03-01T00:00:00Z"), rule))).toEqual([
      "2026-02-28T00:00:00.000Z",
      "2027-02-28T00:00:00.000Z",
    ]);
  });

  it("chains periods without gaps or overlaps", () => {
    const rule: PeriodRule = { interval: "month", anchor: new Date("2026-01-30T06:30:00Z") };
    let period = periodContaining(new Date("2026-01-01T00:00:00Z"), rule);
    for (let i = 0; i < 30; i++) {
      const next = nextPeriod(period, rule);
      expect(next.start.getTime()).toBe(period.end.getTime());
      expect(previousPeriod(next, rule)).toEqual(period);
      period = next;
    }
  });
});
