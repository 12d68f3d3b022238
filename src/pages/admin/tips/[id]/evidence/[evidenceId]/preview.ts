/**
 * The preview of an evidence file (re-encoded, without metadata; never the original), for staff
 * who may view the tip (issue #5 point 3): decrypted on request, `Content-Type` from the row,
 * `Cache-Control: no-store`. 404 when the tip or file is outside the user's view, missing, or has
 * no ready preview; 401 without a session (the /admin gate redirects first).
 */
import type { APIRoute } from 'astro';
import { currentStaff } from '../../../../../../features/staff/request.server.ts';
import { TipAccessError } from '../../../../../../features/tips/access.server.ts';
import { openPreview } from '../../../../../../features/tips/confidential.server.ts';
import { loadKek } from '../../../../../../features/tips/envelope.server.ts';
import { getConfig, getDb } from '../../../../../../lib/runtime.server.ts';

const id = (v: string | undefined) => (v && /^[1-9]\d{0,11}$/u.test(v) ? Number(v) : 0);

const notFound = () => new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });

export const GET: APIRoute = async (context) => {
  const staff = currentStaff(context);
  if (!staff) return new Response('Unauthorized', { status: 401, headers: { 'Cache-Control': 'no-store' } });
  const config = getConfig();
  try {
    const preview = await openPreview(getDb(), loadKek(config.TIP_KEK, config.dataDir), config.dataDir, staff.actor, id(context.params.id), id(context.params.evidenceId));
    if (!preview) return notFound();
    return new Response(new Uint8Array(preview.bytes), {
      status: 200,
      headers: {
        'Content-Type': preview.mediaType,
        'Content-Length': String(preview.bytes.byteLength),
        'Content-Disposition': 'inline',
        'Cache-Control': 'no-store',
      },
    });
  } catch (e) {
    if (e instanceof TipAccessError) return notFound();
    throw e;
  }
};
