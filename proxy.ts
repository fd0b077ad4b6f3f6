import { getSessionCookie } from "better-auth/cookies";
import { NextResponse, type NextRequest } from "next/server";

/**
 * A fast redirect to sign-in when there is no session cookie at all. Only a convenience: every
 * page, route and action checks the session itself (lib/auth/session.ts), so nothing depends on
 * this running.
 */
export function proxy(request: NextRequest) {
  if (getSessionCookie(request, { cookiePrefix: "meterline" })) return NextResponse.next();
  const url = new URL("/sign-in", request.url);
  url.searchParams.set("next", request.nextUrl.pathname);
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ["/overview/:path*", "/usage/:path*", "/invoices/:path*", "/alerts/:path*", "/admin/:path*"],
};
