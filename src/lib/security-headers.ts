/**
 * The security headers of every answer of the site, decided in one place:
 * - Astro's pages: astro.config.mjs gives `PAGE_CSP_DIRECTIVES` to Astro's `security.csp`, which
 *   adds `script-src` and `style-src` with the hashes of the page's own scripts and styles and
 *   sends the policy as a header; src/middleware.ts then applies `applySecurityHeaders`.
 * - everything else (Astro endpoints and redirects, static files and `/_astro/` assets, the
 *   answers src/cli/site-server.ts and upload-guard.ts give themselves): `securityHeaders(path)`,
 *   whose policy (`OTHER_CSP`) allows no script, style or frame at all.
 * Framing: nobody frames any answer (`frameAncestors`, the one place a route could opt out).
 */

/**
 * Directives of every page's policy besides `script-src`/`style-src` (those are Astro's: `'self'`
 * and hashes, never `'unsafe-inline'` nor `'unsafe-eval'`). Nothing from another origin: the site
 * loads no third-party script, style, font or frame. `worker-src 'self'`: the proof-of-work
 * widget's worker is a bundled file under `/_astro/` (src/elements/altcha-widget.ts), not a blob.
 * Pages that show `data:` or `blob:` images add them to `img-src` themselves (`Astro.csp`).
 */
export const PAGE_CSP_DIRECTIVES = [
  "default-src 'none'",
  "connect-src 'self'",
  "img-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
] as const;

/**
 * The policy of answers that are not Astro pages (JSON, images, scripts and styles as files, the
 * plain 400/413 pages): nothing may run, load or frame; forms may only post to the site.
 */
export const OTHER_CSP = "default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * Headers sent with every answer: its CSP (`OTHER_CSP` unless Astro gave a page's own), no MIME
 * sniffing, no framing (also for browsers without `frame-ancestors`), a referrer without the path
 * for other sites, and only geolocation (near me) allowed.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': OTHER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(self)',
};

/**
 * The `frame-ancestors` sources of the answer to `path` (a URL path, query allowed): `'none'` for
 * every route. A route meant to be embedded in other sites is given its sources here, and nowhere
 * else; `securityHeaders` and `applySecurityHeaders` then drop `X-Frame-Options` for it.
 */
export function frameAncestors(_path: string): string {
  return "'none'";
}

/** `policy` with its `frame-ancestors` directive set to `sources` (added when missing). */
function withFrameAncestors(policy: string, sources: string): string {
  const kept = policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d !== '' && !/^frame-ancestors(\s|$)/iu.test(d));
  return [...kept, `frame-ancestors ${sources}`].join('; ');
}

/** The security headers of a non-page answer to `path` (a URL path, query allowed): `SECURITY_HEADERS` with the route's framing. */
export function securityHeaders(path: string): Readonly<Record<string, string>> {
  const sources = frameAncestors(path);
  if (sources === "'none'") return SECURITY_HEADERS;
  const framable = Object.entries(SECURITY_HEADERS).filter(([name]) => name !== 'X-Frame-Options');
  return { ...Object.fromEntries(framable), 'Content-Security-Policy': withFrameAncestors(OTHER_CSP, sources) };
}

/**
 * Sets the security headers on `headers` of an Astro answer to `path`: a page keeps the policy
 * Astro computed for it (its hashes), with the route's `frame-ancestors`; any other answer gets
 * `securityHeaders(path)`. Under `astro dev` (`dev`) no policy at all: Astro computes none there
 * and Vite's client runs inline code. Throws a TypeError when `headers` are immutable (a redirect
 * made with `Response.redirect`).
 */
export function applySecurityHeaders(headers: Headers, path: string, dev = false): void {
  const pagePolicy = headers.get('Content-Security-Policy');
  for (const [name, value] of Object.entries(securityHeaders(path))) headers.set(name, value);
  if (pagePolicy !== null) headers.set('Content-Security-Policy', withFrameAncestors(pagePolicy, frameAncestors(path)));
  if (dev) headers.delete('Content-Security-Policy');
}

/**
 * Sets `securityHeaders` on a Node answer before anyone writes it (src/cli/site-server.ts): the
 * answers Astro never renders (static files, `/_astro/` assets) keep them, and Node merges them
 * under the headers a later `writeHead` gives, so an Astro page's own policy wins.
 */
export function presetSecurityHeaders(res: { setHeader(name: string, value: string): unknown }, url: string): void {
  for (const [name, value] of Object.entries(securityHeaders(url))) res.setHeader(name, value);
}
