/** Liveness: answers without touching Postgres or Redis (also the benchmark's trivial route). */
export function GET() {
  return Response.json({ ok: true });
}

/** The same, for POST: reads and discards the body (the benchmark's like-for-like trivial POST). */
export async function POST(req: Request) {
  await req.text();
  return Response.json({ ok: true });
}
