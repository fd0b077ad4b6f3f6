import path from "node:path";
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { ROOT } from "./services";

/** Applies drizzle/ migrations; an advisory lock keeps two starters from racing. */
export async function runMigrations(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(7300)`;
    await migrate(drizzle(sql), { migrationsFolder: path.join(ROOT, "drizzle") });
  } finally {
    await sql.end();
  }
}

/** Creates a database next to the one in the URL (tests and benchmarks use their own). */
export async function ensureDatabase(databaseUrl: string, name: string): Promise<string> {
  const url = new URL(databaseUrl);
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await admin`select 1 as found from pg_database where datname = ${name}`;
    if (!row) await admin.unsafe(`create database "${name.replace(/"/g, "")}"`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  return url.toString();
}
