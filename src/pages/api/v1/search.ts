import type { APIRoute } from 'astro';
import { getDb, getSearchClient } from '../../../lib/runtime.server.ts';
import { JSON_CONTENT_TYPE, searchApi } from '../../../features/search/api.server.ts';

/**
 * GET /api/v1/search — the same search as /search, as JSON (shape and errors: `searchApi`,
 * README.md "Search API"). The running site answers this path from a plain Node handler in front
 * of Astro (src/cli/site-server.ts) with the same function; this route serves `astro dev` and
 * any other way of running the built server.
 */
export const GET: APIRoute = async ({ url }) => {
  const answer = await searchApi(getDb(), getSearchClient(), url.searchParams);
  return new Response(answer.body, { status: answer.status, headers: { 'Content-Type': JSON_CONTENT_TYPE, ...answer.headers } });
};
