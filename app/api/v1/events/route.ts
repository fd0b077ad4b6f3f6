import { readJson, withApi } from "@/lib/http/with-api";
import { handleEventsRequest } from "@/lib/metering/ingest-request";

export const POST = withApi(async ({ req }) => handleEventsRequest(await readJson(req)));
