import type { APIRoute } from 'astro';
import { getDb, getSearchClient } from '../../../lib/runtime.server.ts';
import { parseSearchParams, searchParamErrors } from '../../../features/search/search.ts';
import { searchWorkshops } from '../../../features/search/search.server.ts';

/**
 * GET /api/v1/search?q=&city=&county=&category=&status=&page= — the same search as /search, as
 * JSON: `{ query, total, totalCapped, page, totalPages, degraded, hits: [{ id, name, nameHtml,
 * kind, status, demo, registrationNo, countyCode, countyName, cityName, distanceM, url }], facets }` (README.md). `nameHtml` is
 * escaped HTML with `<mark>` around matches. Invalid parameters: 400 `{ error, fields: [{ field, message }] }`.
 */
export const GET: APIRoute = async ({ url }) => {
  const started = performance.now();
  const parsed = parseSearchParams(url.searchParams);
  const headers = { 'Content-Type': 'application/json; charset=utf-8' };
  if (!parsed.success) {
    const fields = searchParamErrors(parsed.error).map(({ field, message }) => ({ field, message }));
    return new Response(JSON.stringify({ error: '查询参数有误', fields }), { status: 400, headers });
  }
  const result = await searchWorkshops(getDb(), getSearchClient(), parsed.data);
  const searched = performance.now();
  // Server-Timing: engine time (Meilisearch's own figure) and the whole handler, in ms
  const timing = `engine;dur=${result.processingMs}, handler;dur=${(searched - started).toFixed(2)}`;
  return new Response(
    JSON.stringify({
      query: parsed.data,
      total: result.total,
      totalCapped: result.totalCapped,
      page: result.page,
      totalPages: result.totalPages,
      degraded: result.degraded,
      hits: result.hits.map((h) => ({
        id: h.id,
        name: h.name,
        nameHtml: h.nameHtml,
        kind: h.kind,
        status: h.status,
        demo: h.demo,
        registrationNo: h.registrationNo,
        countyCode: h.countyCode,
        countyName: h.countyName,
        cityName: h.cityName,
        distanceM: h.distanceM,
        url: `/workshops/${h.id}`,
      })),
      facets: result.facets,
    }),
    { status: 200, headers: { ...headers, 'Server-Timing': timing } },
  );
};
