/**
 * The "floor" side of bench:search (tests/bench/search.ts): the least any HTTP service in front
 * of Meilisearch can do per search — parse the query string, make exactly the site's Meilisearch
 * request (`meiliRequestFor`) with the site's client, answer `{"total":n,"degraded":false}`. No
 * highlighting, no facets in the answer, no framework. Listens on 127.0.0.1, a free port, and
 * prints `listening <port>` on stdout. Env: MEILI_HOST, MEILI_API_KEY. Stopped by SIGTERM.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { meiliClient, meiliRequestFor } from '../../src/features/search/search.server.ts';
import { INDEX_UID, parseSearchParams } from '../../src/features/search/search.ts';

const client = meiliClient({ host: process.env.MEILI_HOST ?? '', apiKey: process.env.MEILI_API_KEY || undefined });

const server = http.createServer((req, res) => {
  const query = (req.url ?? '').split('?')[1] ?? '';
  const parsed = parseSearchParams(new URLSearchParams(query));
  if (!parsed.success) {
    res.writeHead(400).end();
    return;
  }
  const { q, params } = meiliRequestFor(parsed.data);
  client
    .index(INDEX_UID)
    .search(q, params)
    .then(
      (r) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ total: r.totalHits ?? 0, degraded: false }));
      },
      () => res.writeHead(502).end(),
    );
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
