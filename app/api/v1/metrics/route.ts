import { parseWith, readJson, withApi } from "@/lib/http/with-api";
import { defineMetric, listAllMetrics, metricInputSchema, serializeMetric } from "@/lib/metering/metrics";

export const GET = withApi(async () => ({ metrics: (await listAllMetrics()).map(serializeMetric) }));

export const POST = withApi(async ({ req, actor }) => {
  const metric = await defineMetric(parseWith(metricInputSchema, await readJson(req)), actor);
  return Response.json(serializeMetric(metric), { status: 201 });
});
