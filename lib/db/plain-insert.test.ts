import { afterEach, describe, expect, it, vi } from "vitest";
import { isUniqueViolation, PlainInsertSwitch } from "./plain-insert";

describe("PlainInsertSwitch", () => {
  afterEach(() => vi.useRealTimers());

  it("inserts plainly until a conflict, then uses ON CONFLICT for afterConflictMs, renewed by each conflict", () => {
    vi.useFakeTimers();
    const inserts = new PlainInsertSwitch(1_000);
    expect(inserts.plain).toBe(true);
    inserts.conflicted();
    expect(inserts.plain).toBe(false);
    vi.advanceTimersByTime(600);
    inserts.conflicted();
    vi.advanceTimersByTime(600);
    expect(inserts.plain).toBe(false);
    vi.advanceTimersByTime(400);
    expect(inserts.plain).toBe(true);
  });

  it("recognises a unique violation of the named constraint only", () => {
    expect(isUniqueViolation({ code: "23505", constraint_name: "invoices_customer_period_key" }, "invoices_customer_period_key")).toBe(true);
    expect(isUniqueViolation({ code: "23505", constraint_name: "invoices_number_key" }, "invoices_customer_period_key")).toBe(false);
    expect(isUniqueViolation({ code: "40P01" }, "usage_events_pkey")).toBe(false);
    expect(isUniqueViolation(new Error("boom"), "usage_events_pkey")).toBe(false);
    expect(isUniqueViolation(undefined, "usage_events_pkey")).toBe(false);
  });
});
