import { z } from "zod";

/**
 * The earliest instant Meterline takes anywhere (event timestamps, billing anchors, invoice run
 * ends): nobody meters the last millennium, and it keeps out dates Postgres cannot store (a year
 * 0000 passes an ISO 8601 check but is refused by the database).
 */
export const EARLIEST_MS = Date.UTC(2000, 0, 1);

const instantMs = (value: string) => Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
/** A value that is no date at all is the format check's to report, not this one's. */
const fromEarliest = (value: string) => {
  const ms = instantMs(value);
  return Number.isNaN(ms) || ms >= EARLIEST_MS;
};
const notTooEarly = { message: "must be in the year 2000 or later" };

/** An RFC 3339 date-time with an offset, in 2000 or later. */
export const isoDateTime = () => z.iso.datetime({ offset: true }).refine(fromEarliest, notTooEarly);

/** A date ("2026-11-01", midnight UTC) or an RFC 3339 date-time with an offset, in 2000 or later. */
export const isoDateOrDateTime = () => z.iso.date().or(z.iso.datetime({ offset: true })).refine(fromEarliest, notTooEarly);

/** A date ("2026-11-01", midnight UTC) in 2000 or later. */
export const isoDate = () => z.iso.date().refine(fromEarliest, notTooEarly);
