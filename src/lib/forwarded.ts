/**
 * Who is asking, and at which address the site is public, behind a reverse proxy (issue #9 point 1).
 *
 * Configuration, not code: `PUBLIC_ORIGIN` is the site's public origin (`https://fangxin.example`);
 * `TRUSTED_PROXIES` says which peers' `X-Forwarded-For` to believe, either as addresses and CIDR
 * ranges (`127.0.0.1, 10.0.0.0/8, ::1`) or as a hop count (`1`: exactly one proxy in front, the
 * usual nginx; `2`: a CDN and nginx).
 *
 * The client address is the rightmost untrusted hop (MDN, "X-Forwarded-For: Selecting an IP
 * address"): a client can write anything into the left of `X-Forwarded-For`, but each proxy appends
 * the address it saw, so only the entries added by trusted proxies are facts. With no trusted
 * proxy configured, or a peer that is not one, every `X-Forwarded-*` header is ignored.
 * Pure: no I/O, tested in tests/unit/forwarded.test.ts.
 */
import { BlockList, isIP } from 'node:net';

/** The parsed `TRUSTED_PROXIES`: nothing trusted, a hop count, or address ranges. */
export type TrustedProxies = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'ranges'; list: BlockList; text: string };

/** Thrown by `parseTrustedProxies` for an entry that is neither an address, a CIDR range nor a hop count. */
export class TrustedProxiesError extends Error {}

/** `::ffff:127.0.0.1` → `127.0.0.1`; other addresses unchanged. Node reports IPv4 peers of a dual-stack socket in the mapped form. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/iu.exec(address);
  return mapped ? (mapped[1] as string) : address;
}

/**
 * Parses `TRUSTED_PROXIES`: empty → none; a whole number 0–10 → that many hops; otherwise a
 * comma- or space-separated list of IPv4/IPv6 addresses and CIDR ranges.
 * Throws `TrustedProxiesError` naming the first bad entry.
 */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const text = (value ?? '').trim();
  if (text === '') return { kind: 'none' };
  if (/^\d+$/u.test(text)) {
    const hops = Number(text);
    if (hops > 10) throw new TrustedProxiesError(`TRUSTED_PROXIES: ${text} hops is more than 10`);
    return hops === 0 ? { kind: 'none' } : { kind: 'hops', hops };
  }
  const list = new BlockList();
  for (const entry of text.split(/[\s,]+/u).filter(Boolean)) {
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined || (bits !== undefined && !/^\d{1,3}$/u.test(bits)) || Number(bits ?? max) > max) {
      throw new TrustedProxiesError(`TRUSTED_PROXIES: "${entry}" is not an IP address, a CIDR range or a hop count`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return { kind: 'ranges', list, text };
}

function isTrusted(list: BlockList, address: string): boolean {
  const plain = plainAddress(address);
  const family = isIP(plain);
  if (family === 0) return false;
  return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether the TCP peer `peer` is a trusted proxy (in hop mode every peer is: the count says so). */
export function isTrustedPeer(peer: string, trusted: TrustedProxies): boolean {
  if (trusted.kind === 'none') return false;
  if (trusted.kind === 'hops') return true;
  return isTrusted(trusted.list, peer);
}

/** The entries of `X-Forwarded-For` header values, left to right (a header may be sent several times). */
function forwardedChain(xff: string | readonly string[] | undefined): string[] {
  if (xff === undefined) return [];
  const values = typeof xff === 'string' ? [xff] : xff;
  return values.flatMap((v) => v.split(',')).map((e) => plainAddress(e.trim()));
}

/**
 * The client's address: `peer` (the TCP peer) when it is not a trusted proxy; else, walking
 * `X-Forwarded-For` from the right, the first entry that is not a trusted proxy (hop mode: the
 * entry `hops` places left of the peer). An entry that is not an IP address ends the walk at the
 * last good one: a proxy that wrote garbage is not trusted to have checked what lies left of it.
 * Never returns an empty string for a non-empty `peer`.
 */
export function clientAddress(peer: string, xff: string | readonly string[] | undefined, trusted: TrustedProxies): string {
  const self = plainAddress(peer);
  if (trusted.kind === 'none') return self;
  const chain = [...forwardedChain(xff), self];
  if (trusted.kind === 'hops') {
    // chain[last] is the peer (hop 0); the client is `hops` entries to its left
    for (let i = chain.length - 1, hop = 0; i >= 0; i -= 1, hop += 1) {
      const entry = chain[i] as string;
      if (isIP(entry) === 0) return chain[i + 1] ?? self;
      if (hop === trusted.hops || i === 0) return entry;
    }
    return self;
  }
  for (let i = chain.length - 1; i >= 0; i -= 1) {
    const entry = chain[i] as string;
    if (isIP(entry) === 0) return chain[i + 1] ?? self;
    if (!isTrusted(trusted.list, entry)) return entry;
  }
  // every hop is a trusted proxy: the leftmost is the best knowledge there is
  return chain[0] ?? self;
}

/** Thrown by `parsePublicOrigin` for a value that is not a bare http(s) origin. */
export class PublicOriginError extends Error {}

/**
 * Parses `PUBLIC_ORIGIN` (`https://fangxin.example`, `https://example.org:8443`): an http(s) URL
 * with nothing after the host and port. Returns null when unset. Throws `PublicOriginError`.
 */
export function parsePublicOrigin(value: string | undefined): URL | null {
  const text = (value ?? '').trim();
  if (text === '') return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PublicOriginError(`PUBLIC_ORIGIN: "${text}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PublicOriginError(`PUBLIC_ORIGIN: "${text}" must start with https:// (or http://)`);
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new PublicOriginError(`PUBLIC_ORIGIN: "${text}" must be an origin only (scheme, host and port), like https://fangxin.example`);
  }
  return new URL(url.origin);
}

/** The headers a proxy sets that only this module may read; removed before anything else sees the request. */
export const FORWARDING_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip', 'forwarded'] as const;
