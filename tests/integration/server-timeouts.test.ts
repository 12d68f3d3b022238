/**
 * The site server's limits on slow clients (src/cli/server-timeouts.ts), on real sockets: headers
 * that never end, a body that trickles in past the request limit and a client that stops sending
 * are each closed by the server within their limit (here shortened to fractions of a second);
 * the site's own server gets the real limits, which let the largest tip through a slow uplink.
 */
import type http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiteServer } from '../../src/cli/site-server.ts';
import { createTimedServer, SERVER_TIMEOUTS } from '../../src/cli/server-timeouts.ts';
import { MAX_BODY_BYTES } from '../../src/cli/upload-guard.ts';
import { meiliClient } from '../../src/features/search/search.server.ts';
import { freshDb } from './helpers.ts';

const SHORT = { headersTimeoutMs: 600, requestTimeoutMs: 1_500, idleTimeoutMs: 900, keepAliveTimeoutMs: 200, checkIntervalMs: 100 };
let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = createTimedServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  }, SHORT);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/**
 * Opens a connection, writes `first`, then `drip` every `everyMs` until the server closes it.
 * Resolves with the milliseconds until the close and what the server sent.
 */
function slowClient(first: string, drip: string | null, everyMs: number): Promise<{ ms: number; answer: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const timer = drip === null ? undefined : setInterval(() => socket.write(drip), everyMs);
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ ms: Date.now() - started, answer });
    });
    socket.write(first);
  });
}

describe('slow clients', () => {
  it('closes a connection whose headers never end, even while header lines keep coming', async () => {
    const { ms, answer } = await slowClient('GET / HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n', 100);
    expect(answer).toMatch(/^HTTP\/1\.1 408/u);
    expect(ms).toBeGreaterThanOrEqual(SHORT.headersTimeoutMs - 50);
    expect(ms).toBeLessThan(SHORT.headersTimeoutMs + 3 * SHORT.checkIntervalMs + 300);
  });

  it('closes a request whose body trickles in past the request limit', async () => {
    const { ms, answer } = await slowClient('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n', 'x', 100);
    expect(answer).toMatch(/^HTTP\/1\.1 408/u);
    expect(ms).toBeGreaterThanOrEqual(SHORT.requestTimeoutMs - 50);
    expect(ms).toBeLessThan(SHORT.requestTimeoutMs + 3 * SHORT.checkIntervalMs + 300);
  });

  it('closes a connection that stops sending in the middle of a body', async () => {
    const { ms } = await slowClient('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc', null, 0);
    expect(ms).toBeGreaterThanOrEqual(SHORT.idleTimeoutMs - 50);
    expect(ms).toBeLessThan(SHORT.requestTimeoutMs);
  });

  it('answers a client that is slow but within the limits', async () => {
    const { answer } = await slowClient('POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 4\r\n\r\n', 'x', 150);
    expect(answer).toMatch(/^HTTP\/1\.1 200[^]*ok$/u);
  });
});

describe('the site server', () => {
  it('uses the real limits, which let the largest tip through a 64 KiB/s uplink', () => {
    const site = createSiteServer(() => undefined, freshDb(), meiliClient({ host: 'http://127.0.0.1:9' }), () => undefined);
    expect(site.headersTimeout).toBe(SERVER_TIMEOUTS.headersTimeoutMs);
    expect(site.requestTimeout).toBe(SERVER_TIMEOUTS.requestTimeoutMs);
    expect(site.keepAliveTimeout).toBe(SERVER_TIMEOUTS.keepAliveTimeoutMs);
    expect(site.timeout).toBe(SERVER_TIMEOUTS.idleTimeoutMs);
    expect((MAX_BODY_BYTES / (64 * 1024)) * 1000).toBeLessThan(SERVER_TIMEOUTS.requestTimeoutMs);
    expect(SERVER_TIMEOUTS.headersTimeoutMs).toBeLessThan(SERVER_TIMEOUTS.idleTimeoutMs);
  });
});
