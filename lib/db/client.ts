import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import { env } from "@/lib/env";
import * as schema from "./schema";

function connect() {
  const sql = postgres(env().DATABASE_URL, {
    max: env().PG_POOL_SIZE,
    onnotice: () => {},
  });
  return { sql, db: drizzle(sql, { schema }) };
}

type Client = ReturnType<typeof connect>;
const globalForDb = globalThis as unknown as { meterlineDb?: Client };

/** One pool per process (survives Next.js module re-evaluation). */
export function client(): Client {
  globalForDb.meterlineDb ??= connect();
  return globalForDb.meterlineDb;
}

export const sqlClient = () => client().sql;
export const db = () => client().db;
export type Db = Client["db"];
/** The pool's drizzle instance or one of its transactions: what a query that may run in either takes. */
export type DbConn = Omit<Db, "$client">;

/** A postgres.js transaction, typed as the connection its queries take. */
export const inTransaction = <T>(work: (tx: postgres.Sql) => Promise<T>): Promise<T> =>
  sqlClient().begin((tx) => work(tx as unknown as postgres.Sql)) as Promise<T>;

export async function closeDb() {
  const current = globalForDb.meterlineDb;
  globalForDb.meterlineDb = undefined;
  await current?.sql.end({ timeout: 5 });
}
