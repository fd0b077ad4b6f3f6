import { readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** Signs in through the auth library's endpoint; returns the session cookie to send back. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${email}: ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]);
  if (cookies.length === 0) throw new Error("sign-in set no cookie");
  return cookies.join("; ");
}

export type PageResponse = { status: number; location: string | null; body: string; contentType: string | null };

/** A browser-like GET that does not follow redirects. */
export async function getPage(baseUrl: string, pathname: string, options: { cookie?: string; headers?: Record<string, string> } = {}): Promise<PageResponse> {
  const res = await fetch(`${baseUrl}${pathname}`, {
    redirect: "manual",
    headers: { ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers },
  });
  const contentType = res.headers.get("content-type");
  const body = contentType?.includes("pdf") ? `<${(await res.arrayBuffer()).byteLength} bytes of PDF>` : await res.text();
  return { status: res.status, location: res.headers.get("location"), body, contentType };
}

/** The id of a server action in the production build, by file and export name. */
export function serverActionId(filename: string, exportedName: string): string {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, ".next", "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { filename: string; exportedName: string }>;
  };
  const entry = Object.entries(manifest.node).find(([, v]) => v.filename === filename && v.exportedName === exportedName);
  if (!entry) throw new Error(`no server action ${exportedName} in ${filename}`);
  return entry[0];
}

/** Calls a server action the way the browser does (or an attacker who knows its id). */
export async function callServerAction(baseUrl: string, pagePath: string, actionId: string, args: unknown[], cookie?: string, origin = baseUrl) {
  const res = await fetch(`${baseUrl}${pagePath}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "next-action": actionId,
      "content-type": "text/plain;charset=UTF-8",
      accept: "text/x-component",
      origin,
      ...(cookie ? { cookie } : {}),
    },
    body: JSON.stringify(args),
  });
  return { status: res.status, location: res.headers.get("location"), redirect: res.headers.get("x-action-redirect"), body: await res.text() };
}
