import { z } from "zod";
import { CURRENCIES } from "./currencies";
import { Dec } from "./money";

/** A price or quantity: a plain decimal string, at most 12 decimal places (no exponent, no sign). */
export const decimalString = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,12})?$/, { message: "must be a decimal string such as \"0.01\" (at most 12 decimal places)" });

const tier = z.object({
  /** Optional, for readability: where the tier starts (the previous tier's upTo, or 0). */
  from: decimalString.optional(),
  /** Inclusive bound on the period's total usage; null on the last tier. */
  upTo: decimalString.nullable(),
  unitPrice: decimalString,
  flatFee: decimalString.optional(),
});

/** Tiers are contiguous and ascending; the last one is unlimited. Errors name the tier's path. */
const tiers = z
  .array(tier)
  .min(1)
  .max(50)
  .superRefine((list, ctx) => {
    list.forEach((t, i) => {
      const last = i === list.length - 1;
      if (last && t.upTo !== null) {
        ctx.addIssue({ code: "custom", path: [i, "upTo"], message: "the last tier must be unlimited (upTo: null)" });
      }
      if (!last && t.upTo === null) {
        ctx.addIssue({ code: "custom", path: [i, "upTo"], message: "only the last tier may be unlimited (upTo: null)" });
      }
      const start = i === 0 ? "0" : list[i - 1].upTo;
      if (start === null) return;
      if (t.upTo !== null && new Dec(t.upTo).lte(start)) {
        ctx.addIssue({ code: "custom", path: [i, "upTo"], message: `tiers must ascend: ${t.upTo} is not above ${start}` });
      }
      if (t.from !== undefined && !new Dec(t.from).equals(start)) {
        const problem = new Dec(t.from).gt(start) ? "gap between tiers" : "tiers overlap";
        ctx.addIssue({ code: "custom", path: [i, "from"], message: `${problem}: this tier starts at ${t.from} but the previous one ends at ${start}` });
      }
    });
  });

const metricCode = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, { message: "must be a metric code such as api_calls" });
const included = decimalString.optional();

export const chargeSchema = z.discriminatedUnion("model", [
  z.object({ metric: metricCode, model: z.literal("per_unit"), included, unitPrice: decimalString }),
  z.object({ metric: metricCode, model: z.literal("graduated"), included, tiers }),
  z.object({ metric: metricCode, model: z.literal("volume"), included, tiers }),
  z.object({
    metric: metricCode,
    model: z.literal("package"),
    included,
    packageSize: decimalString.refine((v) => new Dec(v).gt(0), { message: "must be greater than 0" }),
    packagePrice: decimalString,
  }),
]);

export const pricingSchema = z
  .object({
    currency: z.enum(CURRENCIES as [string, ...string[]]),
    interval: z.enum(["month", "year"]),
    baseFee: decimalString.default("0"),
    minimumCommitment: decimalString.default("0"),
    taxRate: decimalString.default("0"),
    charges: z.array(chargeSchema).max(100),
    /** Usage alerts: percentages of each metric's included allowance (default 80, 95, 100). */
    alerts: z
      .object({
        usagePercentages: z.array(z.number().int().min(1).max(1000)).max(10).optional(),
        /** Spend in the period (major units, tax included) that fires an alert, e.g. "500.00". */
        spend: z.array(decimalString).max(10).optional(),
      })
      .optional(),
  })
  .superRefine((pricing, ctx) => {
    const seen = new Set<string>();
    pricing.charges.forEach((charge, i) => {
      if (seen.has(charge.metric)) {
        ctx.addIssue({ code: "custom", path: ["charges", i, "metric"], message: `metric ${charge.metric} is priced twice` });
      }
      seen.add(charge.metric);
    });
  });

export type Pricing = z.infer<typeof pricingSchema>;
export type Charge = z.infer<typeof chargeSchema>;

/** Plan versions never change, so a version's parsed pricing can be kept by its id. */
const parsedVersions = new Map<number, Pricing>();

export function versionPricing(versionId: number, raw: unknown): Pricing {
  let pricing = parsedVersions.get(versionId);
  if (!pricing) {
    // Shared by every rating of this version (and rate() keeps what it works out per pricing
    // object): frozen, so nothing can change a published price in memory either.
    pricing = deepFreeze(pricingSchema.parse(raw));
    if (parsedVersions.size > 10_000) parsedVersions.clear();
    parsedVersions.set(versionId, pricing);
  }
  return pricing;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
