/**
 * Bodies of Astro Action calls that cannot be read as their Content-Type says. Astro's action
 * runtime (astro/dist/actions/runtime/server.js `parseRequestBody`) lets the SyntaxError of JSON
 * that does not parse escape (a 500, logged as a server error) and answers a multipart body it
 * cannot split (cut short, no boundary) 415 without a message; src/middleware.ts answers both 400
 * with `zh.unreadableBody` before the action runs.
 */
import { EVIDENCE_LIMITS } from '../features/tips/evidence.ts';

/** Astro's `security.actionBodySizeLimit` (astro.config.mjs, bytes): a larger body is Astro's 413, not read here. */
export const ACTION_BODY_LIMIT = EVIDENCE_LIMITS.maxFiles * EVIDENCE_LIMITS.maxBytes + 1024 * 1024;

/** The bytes of a clone of `request`'s body, or null past `limit` bytes (the request's own body is left for Astro). */
async function cloneBytes(request: Request, limit: number): Promise<Buffer<ArrayBuffer> | null> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) return null;
  const body = request.clone().body;
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of body) {
    received += chunk.byteLength;
    if (received > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, received);
}

/**
 * Whether the body of an action call (a POST Astro will parse) cannot be read: `application/json`
 * that is not empty and does not parse, or `multipart/form-data` that undici (Astro's parser)
 * refuses. Other types are left to Astro (a URL-encoded body always parses; anything else is its
 * 415), and so are bodies over `limit` bytes (its 413). Never throws.
 */
export async function isUnreadableActionBody(request: Request, limit = ACTION_BODY_LIMIT): Promise<boolean> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && type !== 'multipart/form-data') return false;
  try {
    const bytes = await cloneBytes(request, limit);
    if (bytes === null) return false;
    if (type === 'application/json') {
      // as Request.json(): UTF-8 without its BOM; an empty body is "no input", which Astro accepts
      const text = new TextDecoder().decode(bytes);
      if (text !== '') JSON.parse(text);
    } else {
      await new Response(bytes, { headers: { 'Content-Type': request.headers.get('content-type') ?? '' } }).formData();
    }
    return false;
  } catch {
    return true;
  }
}
