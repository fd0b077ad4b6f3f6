/** Liveness: answers without touching Postgres or Redis (also the benchmark's trivial route). */
export function GET() {
  return Response.json({ ok: true });
}
