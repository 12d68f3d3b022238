/**
 * Headers sent with every answer of the site (src/middleware.ts for Astro's answers,
 * src/cli/site-server.ts for the ones it gives itself): no MIME sniffing, no framing, a
 * referrer without the path for other sites, and only geolocation (near me) allowed.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(self)',
};
