/**
 * How long the site's HTTP server (site-server.ts) waits for a client, so that no connection is
 * held forever: a request whose headers never end (slowloris), a body that stops coming, a client
 * that stops reading its answer. Node answers 408 and closes on the header and request limits;
 * the idle limit closes the socket.
 *
 * The figures are set by the slowest client the site must serve: a reporter's phone on a weak
 * mobile uplink sending the largest tip there can be (10 files of 20 MiB, MAX_BODY_BYTES ≈ 201 MiB).
 * - `headersTimeoutMs` 20 s: request headers are a few KB, sent in the first packets even over
 *   2G (Apache mod_reqtimeout's default allows 20–40 s for headers).
 * - `requestTimeoutMs` 60 min: the whole request, body included. 201 MiB at 0.5 Mbit/s (64 KiB/s,
 *   a weak 3G/4G uplink in the countryside) takes ~54 min; a slower phone must send fewer files.
 * - `idleTimeoutMs` 60 s without a byte either way: a phone passing through a dead spot pauses
 *   for seconds, not a minute (nginx's client_body_timeout and send_timeout are 60 s too); no
 *   request here takes the server anywhere near that long to answer (a tip: ~1.5 s at p95).
 * - `keepAliveTimeoutMs` 5 s: Node's default; an idle keep-alive connection is closed after it.
 * - `checkIntervalMs` 1 s: how often Node looks for requests over the header and request limits
 *   (its default, 30 s, would let a header limit of 20 s run to 50 s).
 */
import http from 'node:http';

/** The limits above, in milliseconds. */
export interface ServerTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  keepAliveTimeoutMs: number;
  checkIntervalMs: number;
}

/** The site's limits (reasons in the module comment). */
export const SERVER_TIMEOUTS: ServerTimeouts = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 60 * 60_000,
  idleTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
};

/** An `http.Server` (not yet listening) serving `listener` with the given limits (default SERVER_TIMEOUTS). */
export function createTimedServer(listener: http.RequestListener, limits: ServerTimeouts = SERVER_TIMEOUTS): http.Server {
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    listener,
  );
  // without a 'timeout' listener Node destroys the socket
  server.setTimeout(limits.idleTimeoutMs);
  return server;
}
