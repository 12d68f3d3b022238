/**
 * Security headers on every response (src/lib/security-headers.ts: a page keeps the policy Astro
 * computed with its hashes), HTML labelled UTF-8, and no caching of tip pages (they show receipts and codes)
 * nor of the staff back office, whose pages first pass its gate (src/features/staff/gate.server.ts:
 * no valid session, no /admin page but the login).
 */
import { defineMiddleware } from 'astro:middleware';
import { applySecurityHeaders } from './lib/security-headers.ts';
import { adminGate, isAdminPath } from './features/staff/gate.server.ts';

export const onRequest = defineMiddleware(async (context, next) => {
  const response = adminGate(context) ?? (await next());
  try {
    const h = response.headers;
    applySecurityHeaders(h, context.url.pathname, import.meta.env.DEV);
    // Astro names no charset for its pages; the header is what non-browser readers go by
    if (h.get('Content-Type') === 'text/html') h.set('Content-Type', 'text/html; charset=utf-8');
    if (context.url.pathname.startsWith('/report') || context.url.pathname.startsWith('/_actions/tips')) h.set('Cache-Control', 'no-store');
    if (isAdminPath(context.url.pathname) || context.url.pathname.startsWith('/_actions/staff')) h.set('Cache-Control', 'no-store');
  } catch {
    // a redirect's headers are immutable; it carries no page content
  }
  return response;
});
