import type { APIRoute } from 'astro';
import { getConfig } from '../../../lib/runtime.server.ts';
import { currentStaff } from '../../../features/staff/request.server.ts';
import { commitJob } from '../../../features/imports/previews.server.ts';

/**
 * GET /admin/import/{id}.json — the progress of the signed-in user's commit `id` (polled by
 * fx-import-progress): `{ phase, rowsWritten, newParties, skipped, batches: { done, total },
 * indexError }`; 404 `{ error }` when there is no such commit of this user. Never cached.
 */
export const GET: APIRoute = (context) => {
  const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };
  const staff = currentStaff(context);
  const job = staff ? commitJob(getConfig().dataDir, context.params.id ?? '', staff.user.id) : null;
  if (!job) return new Response(JSON.stringify({ error: '没有这次导入' }), { status: 404, headers });
  const { phase, rowsWritten, newParties, skipped, batches, indexError } = job;
  return new Response(JSON.stringify({ phase, rowsWritten, newParties, skipped, batches, indexError }), { headers });
};
