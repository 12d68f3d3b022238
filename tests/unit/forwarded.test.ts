import { describe, expect, it } from 'vitest';
import { clientAddress, isTrustedPeer, parsePublicOrigin, parseTrustedProxies, plainAddress, PublicOriginError, TrustedProxiesError } from '../../src/lib/forwarded.ts';
import { loggedTarget } from '../../src/cli/request-log.ts';

const ranges = (text: string) => parseTrustedProxies(text);

describe('client address: the rightmost untrusted hop (MDN X-Forwarded-For, "selecting an IP address")', () => {
  const cases: { rule: string; peer: string; xff?: string | string[]; trusted: string; expected: string }[] = [
    { rule: 'no trusted proxies: X-Forwarded-For is ignored', peer: '203.0.113.9', xff: '1.2.3.4', trusted: '', expected: '203.0.113.9' },
    { rule: 'a peer that is not a trusted proxy: its X-Forwarded-For is ignored', peer: '203.0.113.9', xff: '1.2.3.4', trusted: '127.0.0.1', expected: '203.0.113.9' },
    { rule: 'one trusted proxy: the entry it appended', peer: '127.0.0.1', xff: '198.51.100.7', trusted: '127.0.0.1', expected: '198.51.100.7' },
    { rule: 'a forged left part is skipped: the proxy appended the real address last', peer: '127.0.0.1', xff: '6.6.6.6, 198.51.100.7', trusted: '127.0.0.1', expected: '198.51.100.7' },
    { rule: 'chains of trusted proxies in a CIDR range are walked through', peer: '10.0.0.2', xff: '6.6.6.6, 198.51.100.7, 10.0.0.9', trusted: '10.0.0.0/8', expected: '198.51.100.7' },
    { rule: 'the header sent twice counts as one list, in order', peer: '127.0.0.1', xff: ['6.6.6.6', '198.51.100.7'], trusted: '127.0.0.1', expected: '198.51.100.7' },
    { rule: 'a trusted proxy without X-Forwarded-For: the peer itself', peer: '127.0.0.1', trusted: '127.0.0.1', expected: '127.0.0.1' },
    { rule: 'IPv4-mapped IPv6 peers are read as IPv4', peer: '::ffff:127.0.0.1', xff: '198.51.100.7', trusted: '127.0.0.1', expected: '198.51.100.7' },
    { rule: 'IPv6 ranges', peer: '::1', xff: '2001:db8::5', trusted: '::1', expected: '2001:db8::5' },
    { rule: 'garbage in the chain: the last good entry right of it', peer: '127.0.0.1', xff: '<script>, 10.1.1.1', trusted: '127.0.0.1, 10.0.0.0/8', expected: '10.1.1.1' },
    { rule: 'every hop trusted: the leftmost', peer: '127.0.0.1', xff: '10.0.0.5', trusted: '127.0.0.1, 10.0.0.0/8', expected: '10.0.0.5' },
    { rule: 'one hop: the last entry, whatever the peer', peer: '172.17.0.1', xff: '6.6.6.6, 198.51.100.7', trusted: '1', expected: '198.51.100.7' },
    { rule: 'two hops (a CDN and nginx): the entry the CDN appended', peer: '172.17.0.1', xff: '6.6.6.6, 198.51.100.7, 192.0.2.50', trusted: '2', expected: '198.51.100.7' },
    { rule: 'more hops than entries: the leftmost', peer: '172.17.0.1', xff: '198.51.100.7', trusted: '3', expected: '198.51.100.7' },
    { rule: 'zero hops trusts nothing', peer: '172.17.0.1', xff: '198.51.100.7', trusted: '0', expected: '172.17.0.1' },
  ];
  for (const c of cases) {
    it(c.rule, () => {
      expect(clientAddress(c.peer, c.xff, ranges(c.trusted))).toBe(c.expected);
    });
  }

  it('a trusted peer is told from an untrusted one', () => {
    expect(isTrustedPeer('127.0.0.1', ranges('127.0.0.0/8'))).toBe(true);
    expect(isTrustedPeer('128.0.0.1', ranges('127.0.0.0/8'))).toBe(false);
    expect(isTrustedPeer('128.0.0.1', ranges('1'))).toBe(true);
    expect(isTrustedPeer('127.0.0.1', ranges(''))).toBe(false);
  });

  it('plain addresses: only the IPv4-mapped form changes', () => {
    expect(plainAddress('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(plainAddress('::1')).toBe('::1');
  });
});

describe('TRUSTED_PROXIES and PUBLIC_ORIGIN are checked at start', () => {
  for (const bad of ['localhost', '10.0.0.0/33', '10.0.0.1/8/2', '::1/129', '11', '1.2.3.4/x']) {
    it(`refuses "${bad}"`, () => {
      expect(() => parseTrustedProxies(bad)).toThrow(TrustedProxiesError);
    });
  }
  it('accepts lists separated by commas or spaces', () => {
    const t = parseTrustedProxies('127.0.0.1, 10.0.0.0/8 ::1');
    expect(t.kind).toBe('ranges');
    expect(isTrustedPeer('10.200.3.4', t)).toBe(true);
    expect(isTrustedPeer('::1', t)).toBe(true);
  });
  it('an origin only', () => {
    expect(parsePublicOrigin('https://fangxin.example')?.origin).toBe('https://fangxin.example');
    expect(parsePublicOrigin('https://fangxin.example:8443/')?.host).toBe('fangxin.example:8443');
    expect(parsePublicOrigin('')).toBeNull();
    for (const bad of ['fangxin.example', 'ftp://fangxin.example', 'https://fangxin.example/site', 'https://u:p@fangxin.example', 'https://fangxin.example/?a=1']) {
      expect(() => parsePublicOrigin(bad), bad).toThrow(PublicOriginError);
    }
  });
});

describe('request log lines carry no personal query strings', () => {
  it('public routes keep their query', () => {
    expect(loggedTarget('/search?q=米粉&page=2')).toEqual({ path: '/search', query: 'q=米粉&page=2' });
  });
  for (const target of ['/report/track?receipt=1234123412341234', '/report?_action=tips.submit', '/admin/tips?q=张三', '/_actions/tips.track?x=1', '/requests/track?code=9']) {
    it(`drops the query of ${target.split('?')[0]}`, () => {
      expect(loggedTarget(target)).toEqual({ path: target.split('?')[0] });
    });
  }
  it('cuts long paths and queries', () => {
    const long = loggedTarget(`/search?q=${'a'.repeat(500)}`);
    expect(long.query).toHaveLength(200);
  });
});
