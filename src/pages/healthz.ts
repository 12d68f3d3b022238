import type { APIRoute } from 'astro';
import { sql } from 'drizzle-orm';
import { getDb, getSearchClient } from '../lib/runtime.server.ts';
import { searchHealth } from '../features/search/search.server.ts';

/** Liveness with database and search status, as JSON. 200 when the database answers, else 503. */
export const GET: APIRoute = async () => {
  let database: { status: 'ok' | 'down' };
  try {
    getDb().get(sql`select 1`);
    database = { status: 'ok' };
  } catch {
    database = { status: 'down' };
  }
  const search = await searchHealth(getSearchClient());
  const body = { status: database.status === 'ok' ? (search.status === 'ok' ? 'ok' : 'degraded') : 'down', database, search, time: new Date().toISOString() };
  return new Response(JSON.stringify(body), {
    status: database.status === 'ok' ? 200 : 503,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  });
};
