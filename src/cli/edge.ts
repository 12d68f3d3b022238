/**
 * The edge of the site's HTTP server (site-server.ts): what is known about a request before any
 * handler sees it — the client's address, whether the public URL is https, the public host, and a
 * request id — from the socket, the forwarding headers of a trusted proxy and the configuration
 * (`PUBLIC_ORIGIN`, `TRUSTED_PROXIES`: src/lib/forwarded.ts). Forwarding headers are removed once
 * read, so nothing behind the edge can be fooled by a client writing them.
 *
 * Astro's adapter builds its `Request` from the Node request alone (astro/dist/core/app/node.js,
 * `createRequestFromNodeRequest`): the protocol from `req.socket.encrypted`, the host from the
 * `Host` header, `clientAddress` from `req.socket.remoteAddress` (it reads `X-Forwarded-For` only
 * for hosts in `security.allowedDomains`, and then the leftmost entry, which the client writes).
 * `presentToAstro` therefore sets those three to what the edge decided, just before the handler
 * is called (synchronously, so a keep-alive connection carrying several clients' requests from a
 * proxy gives each request its own values). With this, Astro's origin check compares a browser's
 * `Origin` with the public origin, cookies are `Secure` behind TLS, and `clientAddress` is the
 * rightmost untrusted hop.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { clientAddress, FORWARDING_HEADERS, isTrustedPeer, plainAddress, type TrustedProxies } from '../lib/forwarded.ts';

/** The deployment settings the edge needs (from src/config.ts). */
export interface EdgeOptions {
  /** PUBLIC_ORIGIN, parsed; null = the site is public at whatever Host it is asked for. */
  publicOrigin: URL | null;
  trustedProxies: TrustedProxies;
}

/** The settings for a site that is not behind a proxy (tests, a laptop). */
export const DIRECT: EdgeOptions = { publicOrigin: null, trustedProxies: { kind: 'none' } };

/** What the edge decided about one request. */
export interface EdgeView {
  /** the client's address (never logged or stored in clear) */
  clientAddress: string;
  /** whether the public URL of this request is https */
  secure: boolean;
  /** the Host the handlers see: PUBLIC_ORIGIN's host, else the request's own */
  host: string | undefined;
  /** a proxy's `X-Request-Id` when it is a trusted proxy and the id looks like one, else a new UUID */
  requestId: string;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/u;

// the TCP peer of each connection, read once before `presentToAstro` shadows `remoteAddress`
const peers = new WeakMap<Socket, string>();
function peerOf(socket: Socket): string {
  let peer = peers.get(socket);
  if (peer === undefined) {
    peer = plainAddress(socket.remoteAddress ?? '');
    peers.set(socket, peer);
  }
  return peer;
}

/** Reads the edge facts of `req` and removes the forwarding headers from it (see the module comment). */
export function readEdge(req: IncomingMessage, options: EdgeOptions): EdgeView {
  const peer = peerOf(req.socket);
  const address = clientAddress(peer, req.headers['x-forwarded-for'], options.trustedProxies);
  const viaTrustedProxy = isTrustedPeer(peer, options.trustedProxies);
  const proxyId = req.headers['x-request-id'];
  const requestId = viaTrustedProxy && typeof proxyId === 'string' && REQUEST_ID.test(proxyId) ? proxyId : randomUUID();
  for (const name of FORWARDING_HEADERS) delete req.headers[name];
  delete req.headers['x-request-id'];
  return {
    clientAddress: address,
    secure: options.publicOrigin ? options.publicOrigin.protocol === 'https:' : 'encrypted' in req.socket && req.socket.encrypted === true,
    host: options.publicOrigin?.host ?? req.headers.host,
    requestId,
  };
}

/**
 * Makes the Node request say what the edge decided, for Astro's adapter (module comment): the Host
 * header, and own `encrypted` / `remoteAddress` properties on the socket that shadow the socket's
 * own getters. Call it right before handing the request to Astro.
 */
export function presentToAstro(req: IncomingMessage, view: EdgeView): void {
  if (view.host !== undefined) req.headers.host = view.host;
  Object.defineProperty(req.socket, 'encrypted', { value: view.secure, configurable: true, writable: true });
  Object.defineProperty(req.socket, 'remoteAddress', { value: view.clientAddress, configurable: true, writable: true });
}

/** `Strict-Transport-Security` for a site whose public origin is https (two years, as hstspreload.org asks). */
export const HSTS = 'max-age=63072000; includeSubDomains';
