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
 * Everything else goes to Astro. Every answer starts with the security headers
 * (presetSecurityHeaders), so the adapter's static files and `/_astro/` assets carry them too.
 *
 * Before all of it, the edge (edge.ts) reads who is asking and at which public origin
 * (`PUBLIC_ORIGIN`, `TRUSTED_PROXIES`), removes forwarding headers, adds `X-Request-Id` and, behind
 * https, `Strict-Transport-Security`; every request gets one log line (request-log.ts).
 */
import type http from 'node:http';
import type { Meilisearch } from 'meilisearch';
import type { Db } from '../db/client.ts';
import { JSON_CONTENT_TYPE, searchApi } from '../features/search/api.server.ts';
import { zh } from '../i18n/zh-CN.ts';
import { escapeHtml } from '../lib/html.ts';
import { presetSecurityHeaders, SECURITY_HEADERS } from '../lib/security-headers.ts';
import { createTimedServer } from './server-timeouts.ts';
import { guardTipUpload, isOversizedImport, isTipUpload, refuseOversizedImport } from './upload-guard.ts';
import { UPLOAD_HEADER } from '../lib/parsed-uploads.ts';
import { DIRECT, HSTS, presentToAstro, readEdge, type EdgeOptions } from './edge.ts';
import { logRequest } from './request-log.ts';

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

/** Where the per-request log lines go (request-log.ts); the start command's default is stdout. */
export type RequestLogWriter = (line: string) => void;

/**
 * A request listener: the edge, then the fast paths above, else Astro. `db` and `client` are the
 * start command's own handles (the same database file and Meilisearch as Astro's).
 * An unexpected error in the fast path answers 500 JSON and is logged without the query.
 */
export function siteRequestListener(astro: AstroHandler, db: Db, client: Meilisearch, log: (line: string) => void, edge: EdgeOptions = DIRECT, requestLog?: RequestLogWriter): http.RequestListener {
  return (req, res) => {
    const started = performance.now();
    const view = readEdge(req, edge);
    res.setHeader('X-Request-Id', view.requestId);
    if (view.secure) res.setHeader('Strict-Transport-Security', HSTS);
    if (requestLog) logRequest(req, res, view.requestId, started, requestLog);
    presetSecurityHeaders(res, req.url ?? '/');
    // only this server names parsed uploads (src/lib/parsed-uploads.ts): never a client
    delete req.headers[UPLOAD_HEADER];
    const toAstro = () => {
      presentToAstro(req, view);
      astro(req, res);
    };
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
      guardTipUpload(req, res, target.path, toAstro);
      return;
    }
    toAstro();
  };
}

/** Creates the server (not yet listening), with the header, body and idle limits of server-timeouts.ts. `edge`: the proxy settings (default: none); `requestLog`: where request lines go (default: nowhere). */
export function createSiteServer(astro: AstroHandler, db: Db, client: Meilisearch, log: (line: string) => void, edge: EdgeOptions = DIRECT, requestLog?: RequestLogWriter): http.Server {
  return createTimedServer(siteRequestListener(astro, db, client, log, edge, requestLog));
}
