/**
 * Security headers on every response, and no caching of tip pages (they show receipts and codes).
 */
import { defineMiddleware } from 'astro:middleware';

export const onRequest = defineMiddleware(async (context, next) => {
  const response = await next();
  try {
    const h = response.headers;
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('Referrer-Policy', 'strict-origin-when-cross-origin');
    h.set('X-Frame-Options', 'DENY');
    h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(self)');
    if (context.url.pathname.startsWith('/report') || context.url.pathname.startsWith('/_actions/tips')) h.set('Cache-Control', 'no-store');
  } catch {
    // a redirect's headers are immutable; it carries no page content
  }
  return response;
});
