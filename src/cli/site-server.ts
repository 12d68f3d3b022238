/**
 * The site's HTTP server: Node's `http` in front of the built Astro handler
 * (`dist/server/entry.mjs`, @astrojs/node standalone, started with ASTRO_NODE_AUTOSTART=disabled).
 *
 * Two things are answered here before Astro sees the request:
 * - `GET /api/v1/search`: the hot JSON endpoint (every keystroke of fx-search-box), answered by
 *   `searchApi` — the same function as the Astro route — without Astro's per-request work
 *   (`Request`/`Response` objects, middleware, routing), which costs more than the search itself
 *   on a small machine (README.md "Benchmarks").
 * - a request line whose path is not valid percent-encoding (`/search?q=%`): a Chinese 400 page
 *   instead of the adapter's English "Bad request.".
 * - the tip forms' uploads: read with the per-file limit as they stream in (upload-guard.ts), then
 *   handed to Astro; an official-table upload declaring more than its limit: 413 unread.
 * Everything else goes to Astro unchanged. Every answer starts with the security headers
 * (presetSecurityHeaders), so the adapter's static files and `/_astro/` assets carry them too.
 */
import http from 'node:http';
import type { Meilisearch } from 'meilisearch';
import type { Db } from '../db/client.ts';
import { JSON_CONTENT_TYPE, searchApi } from '../features/search/api.server.ts';
import { zh } from '../i18n/zh-CN.ts';
import { escapeHtml } from '../lib/html.ts';
import { presetSecurityHeaders, SECURITY_HEADERS } from '../lib/security-headers.ts';
import { guardTipUpload, isOversizedImport, isTipUpload, refuseOversizedImport } from './upload-guard.ts';
import { UPLOAD_HEADER } from '../lib/parsed-uploads.ts';

/** Astro's request handler as exported by the @astrojs/node entry. */
export type AstroHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const API_SEARCH_PATH = '/api/v1/search';

/** The short Chinese page for an undecodable address (status 400). */
function badRequestPage(): string {
  const t = zh.badRequest;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(t.title)} · ${escapeHtml(zh.site.name)}</title></head><body><main><h1>${escapeHtml(t.title)}</h1><p>${escapeHtml(t.lead)}</p><p><a href="/">${escapeHtml(zh.notFound.home)}</a></p></main></body></html>`;
}

/** Path and query of a request target (`/a/b?x=1`); `null` when it is not valid percent-encoding. */
function splitTarget(target: string): { path: string; query: string } | null {
  try {
    decodeURI(target);
  } catch {
    return null;
  }
  const q = target.indexOf('?');
  return q === -1 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

/**
 * A request listener: the fast paths above, else `astro(req, res)`. `db` and `client` are the
 * start command's own handles (the same database file and Meilisearch as Astro's).
 * An unexpected error in the fast path answers 500 JSON and is logged without the query.
 */
export function siteRequestListener(astro: AstroHandler, db: Db, client: Meilisearch, log: (line: string) => void): http.RequestListener {
  return (req, res) => {
    presetSecurityHeaders(res, req.url ?? '/');
    // only this server names parsed uploads (src/lib/parsed-uploads.ts): never a client
    delete req.headers[UPLOAD_HEADER];
    const target = splitTarget(req.url ?? '/');
    if (target === null) {
      res.writeHead(400, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(badRequestPage());
      return;
    }
    if (req.method === 'GET' && target.path === API_SEARCH_PATH) {
      searchApi(db, client, new URLSearchParams(target.query)).then(
        (answer) => {
          res.writeHead(answer.status, { ...SECURITY_HEADERS, 'Content-Type': JSON_CONTENT_TYPE, ...answer.headers });
          res.end(answer.body);
        },
        (e: unknown) => {
          log(`${API_SEARCH_PATH} failed: ${e instanceof Error ? e.name : 'error'}`);
          if (!res.headersSent) res.writeHead(500, { ...SECURITY_HEADERS, 'Content-Type': JSON_CONTENT_TYPE });
          res.end(JSON.stringify({ error: '服务器内部错误' }));
        },
      );
      return;
    }
    if (isOversizedImport(req, target.path, target.query)) {
      refuseOversizedImport(req, res, target.path);
      return;
    }
    if (isTipUpload(req, target.path, target.query)) {
      guardTipUpload(req, res, target.path, () => astro(req, res));
      return;
    }
    astro(req, res);
  };
}

/** Creates the server (not yet listening). */
export function createSiteServer(astro: AstroHandler, db: Db, client: Meilisearch, log: (line: string) => void): http.Server {
  return http.createServer({ keepAliveTimeout: 5_000 }, siteRequestListener(astro, db, client, log));
}
