/**
 * `GET /api/v1/search` as one function of the query string, shared by the Astro endpoint
 * (src/pages/api/v1/search.ts) and the plain Node fast path of the running site
 * (src/cli/site-server.ts), so both give byte-for-byte the same answer.
 *
 * The JSON shape is documented in README.md ("Search API").
 */
import type { Meilisearch } from 'meilisearch';
import type { Db } from '../../db/client.ts';
import { divisions } from '../../db/schema.ts';
import { zh } from '../../i18n/zh-CN.ts';
import { resolvePlaceParams } from './place-param.ts';
import { parseSearchParams, searchParamErrors } from './search.ts';
import { searchWorkshops } from './search.server.ts';

/** An answer ready to send: HTTP status, JSON text and extra headers. */
export interface ApiAnswer {
  status: 200 | 400;
  /** JSON text (UTF-8). */
  body: string;
  headers: Record<string, string>;
}

/** Content type of every answer of the API. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Runs the search of `params` (`q, city, county, category, status, demo, sort, lat, lng, page`,
 * as on /search) and shapes the answer:
 * 200 `{ query, total, totalCapped, page, totalPages, degraded, hits: [{ id, name, nameHtml, kind,
 * status, demo, registrationNo, countyCode, countyName, cityName, distanceM, url }], facets }`,
 * where `nameHtml` is escaped HTML with `<mark>` around matches and `distanceM` is in metres;
 * or 400 `{ error, fields: [{ field, message, choices? }] }` naming each invalid parameter in
 * Chinese. `city` and `county` may be names (`county=东湖区`, ./place-param.ts); one that names no
 * single division is a 400 field error whose `choices` (`[{ field, code, name, cityName }]`) are
 * the divisions it may have meant. A `Server-Timing` header gives Meilisearch's own time (`engine`)
 * and the whole call (`handler`), in ms. Never throws for bad input; a Meilisearch outage gives
 * `degraded: true`.
 */
export async function searchApi(db: Db, client: Meilisearch, params: URLSearchParams): Promise<ApiAnswer> {
  const started = performance.now();
  const places = resolvePlaceParams(params, () => db.select().from(divisions).all());
  const parsed = parseSearchParams(places.params);
  if (!parsed.success || places.problems.length > 0) {
    const fields = [
      ...places.problems.map((p) => ({ field: p.field, message: zh.search.placeProblem(p), choices: p.choices })),
      ...(parsed.success ? [] : searchParamErrors(parsed.error).map(({ field, message }) => ({ field, message }))),
    ];
    return { status: 400, body: JSON.stringify({ error: '查询参数有误', fields }), headers: {} };
  }
  const result = await searchWorkshops(db, client, parsed.data, { snippets: false });
  const body = JSON.stringify({
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
  });
  const timing = `engine;dur=${result.processingMs}, handler;dur=${(performance.now() - started).toFixed(2)}`;
  return { status: 200, body, headers: { 'Server-Timing': timing } };
}
