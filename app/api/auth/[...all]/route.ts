import { auth } from "@/lib/auth/auth";

/** Sign-in, sign-out and session endpoints of the auth library. */
const handler = (request: Request) => auth().handler(request);
export { handler as GET, handler as POST };
