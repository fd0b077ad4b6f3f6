import { getPlan } from "@/lib/billing/plans";
import { withApi } from "@/lib/http/with-api";

export const GET = withApi<{ code: string }>(async ({ params }) => getPlan(params.code));
