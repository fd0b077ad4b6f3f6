"use client";
import { createAuthClient } from "better-auth/react";

/** Browser side of the auth library: sign-in and sign-out against /api/auth on this origin. */
export const authClient = createAuthClient();
