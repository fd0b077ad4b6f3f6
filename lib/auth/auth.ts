import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { db } from "@/lib/db/client";
import { accounts, sessions, users, verifications } from "@/lib/db/schema";
import { env } from "@/lib/env";

export const SESSION_DAYS = 7;

function createAuth() {
  const config = env();
  if (!config.AUTH_SECRET) throw new Error("AUTH_SECRET is not set: sessions cannot be signed (npm start generates one in .data/auth-secret).");
  return betterAuth({
    appName: "Meterline",
    secret: config.AUTH_SECRET,
    baseURL: config.APP_URL,
    database: drizzleAdapter(db(), {
      provider: "pg",
      schema: { user: users, session: sessions, account: accounts, verification: verifications },
    }),
    // Accounts are created by the operator (seed, console), never by sign-up.
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8, maxPasswordLength: 128 },
    user: {
      additionalFields: {
        role: { type: "string", required: false, defaultValue: "customer", input: false },
        customerId: { type: "number", required: false, input: false },
      },
    },
    session: { expiresIn: SESSION_DAYS * 86_400, updateAge: 86_400 },
    rateLimit: {
      enabled: true,
      window: 60,
      max: 600,
      customRules: { "/sign-in/email": { window: 60, max: config.AUTH_SIGN_IN_PER_MINUTE } },
    },
    advanced: { cookiePrefix: "meterline" },
  });
}

type Auth = ReturnType<typeof createAuth>;
const state = globalThis as unknown as { meterlineAuth?: Auth };

/** One instance per process, created on first use (the environment is read at run time). */
export function auth(): Auth {
  state.meterlineAuth ??= createAuth();
  return state.meterlineAuth;
}
