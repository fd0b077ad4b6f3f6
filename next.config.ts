import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  experimental: { serverMinification: false },
  // postgres.js, ioredis and pino are server-only libraries loaded from node_modules at run time.
  serverExternalPackages: ["postgres", "ioredis", "pino", "bullmq", "pdfkit"],
};

export default nextConfig;
