import type { AlertView } from "./alerts";

/** One line for people: what was reached. */
export function describeAlert(alert: Pick<AlertView, "kind" | "metric" | "threshold">): string {
  switch (alert.kind) {
    case "usage_percent":
      return `${alert.metric} reached ${alert.threshold}% of its allowance`;
    case "limit_exceeded":
      return alert.threshold.startsWith("spend ")
        ? `${alert.metric} spend passed its limit of ${alert.threshold.slice(6)}`
        : `${alert.metric} passed its limit of ${alert.threshold}`;
    case "spend":
      return `Estimated spend reached ${alert.threshold}`;
  }
}
