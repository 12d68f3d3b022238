/**
 * Security headers on every response (src/lib/security-headers.ts: a page keeps the policy Astro
 * computed with its hashes), HTML labelled UTF-8, and no caching of tip pages (they show receipts and codes)
 * nor of the staff back office, whose pages first pass its gate (src/features/staff/gate.server.ts:
 * no valid session, no /admin page but the login). An action call whose body cannot be read
 * (src/lib/action-body.server.ts) is answered 400 with Astro's ActionError: as JSON to a script
 * (`/_actions/…`), as the action's result to the page of a form post (`?_action=…`).
 */
import { ActionError, getActionContext } from 'astro:actions';
import { defineMiddleware } from 'astro:middleware';
import { zh } from './i18n/zh-CN.ts';
import { isUnreadableActionBody } from './lib/action-body.server.ts';
import { applySecurityHeaders } from './lib/security-headers.ts';
import { adminGate, isAdminPath } from './features/staff/gate.server.ts';

/** A 400 answer (a Response for a script) when `context` is an action call whose body cannot be read, else null. */
async function refuseUnreadableBody(context: Parameters<typeof getActionContext>[0]): Promise<Response | null> {
  const { action, setActionResult, serializeActionResult } = getActionContext(context);
  if (!action || !(await isUnreadableActionBody(context.request))) return null;
  const serialized = serializeActionResult({ data: undefined, error: new ActionError({ code: 'BAD_REQUEST', message: zh.unreadableBody }) });
  if (action.calledFrom === 'rpc') return new Response(serialized.type === 'error' ? serialized.body : null, { status: 400, headers: { 'Content-Type': 'application/json' } });
  // the page is rendered with this result, as if the action had refused the input
  setActionResult(action.name, serialized);
  return null;
}

export const onRequest = defineMiddleware(async (context, next) => {
  const response = adminGate(context) ?? (await refuseUnreadableBody(context)) ?? (await next());
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
