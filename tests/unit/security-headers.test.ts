import { describe, expect, it } from 'vitest';
import { applySecurityHeaders, OTHER_CSP, PAGE_CSP_DIRECTIVES, presetSecurityHeaders, securityHeaders, SECURITY_HEADERS } from '../../src/lib/security-headers.ts';

/** A page policy as Astro sends it: the configured directives, then script-src and style-src with hashes. */
const astroPolicy = `${PAGE_CSP_DIRECTIVES.join(';')}; script-src 'self' 'sha256-AAAA'; style-src 'self' 'sha256-BBBB';`;

describe('the policies', () => {
  it.each([
    ['pages: nothing from elsewhere by default', PAGE_CSP_DIRECTIVES.join('; '), "default-src 'none'"],
    ['pages: no plugins', PAGE_CSP_DIRECTIVES.join('; '), "object-src 'none'"],
    ['pages: no <base> to re-point relative URLs', PAGE_CSP_DIRECTIVES.join('; '), "base-uri 'none'"],
    ['pages: forms post to the site only', PAGE_CSP_DIRECTIVES.join('; '), "form-action 'self'"],
    ['pages: the proof-of-work worker from the site only, never blob:', PAGE_CSP_DIRECTIVES.join('; '), "worker-src 'self'"],
    ['pages: never framed', PAGE_CSP_DIRECTIVES.join('; '), "frame-ancestors 'none'"],
    ['other answers: nothing runs or loads', OTHER_CSP, "default-src 'none'"],
    ['other answers: never framed', OTHER_CSP, "frame-ancestors 'none'"],
  ])('%s', (_rule, policy, directive) => {
    expect(policy.split(/;\s*/u)).toContain(directive);
  });

  it('gives script-src and style-src to Astro and never allows inline code or eval', () => {
    for (const directive of PAGE_CSP_DIRECTIVES) expect(directive).not.toMatch(/^(script|style)-src|unsafe/u);
    expect(OTHER_CSP).not.toMatch(/unsafe/u);
  });
});

describe('securityHeaders', () => {
  it.each(['/', '/admin/tips/1', '/api/v1/search?q=x', '/_astro/a.js', '/workshops/1'])('%s is framed by nobody', (path) => {
    expect(securityHeaders(path)).toEqual(SECURITY_HEADERS);
    expect(securityHeaders(path)['X-Frame-Options']).toBe('DENY');
    expect(securityHeaders(path)['Content-Security-Policy']).toBe(OTHER_CSP);
  });
});

describe('applySecurityHeaders', () => {
  it("keeps the page's own policy (its hashes) and frames it for nobody", () => {
    const h = new Headers({ 'Content-Security-Policy': astroPolicy, 'Content-Type': 'text/html' });
    applySecurityHeaders(h, '/report');
    const policy = h.get('Content-Security-Policy') ?? '';
    expect(policy).toContain("script-src 'self' 'sha256-AAAA'");
    expect(policy).toContain("style-src 'self' 'sha256-BBBB'");
    expect(policy.match(/frame-ancestors/gu)).toHaveLength(1);
    expect(policy.endsWith("frame-ancestors 'none'")).toBe(true);
    expect(h.get('X-Frame-Options')).toBe('DENY');
    expect(h.get('X-Content-Type-Options')).toBe('nosniff');
  });

  it('replaces a frame-ancestors that a page gave itself', () => {
    const h = new Headers({ 'Content-Security-Policy': "default-src 'none'; frame-ancestors *; script-src 'self'" });
    applySecurityHeaders(h, '/');
    expect(h.get('Content-Security-Policy')).toBe("default-src 'none'; script-src 'self'; frame-ancestors 'none'");
  });

  it('gives an answer without a policy (JSON, an image, a redirect) the policy of non-pages', () => {
    const h = new Headers({ 'Content-Type': 'image/jpeg' });
    applySecurityHeaders(h, '/admin/tips/1/evidence/2/preview');
    expect(h.get('Content-Security-Policy')).toBe(OTHER_CSP);
    expect(h.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin');
  });

  it('sends no policy under astro dev, which computes no hashes; the other headers stay', () => {
    const h = new Headers({ 'Content-Type': 'text/html' });
    applySecurityHeaders(h, '/', true);
    expect(h.has('Content-Security-Policy')).toBe(false);
    expect(h.get('X-Frame-Options')).toBe('DENY');
  });
});

describe('presetSecurityHeaders', () => {
  it('sets every header of securityHeaders on a Node answer', () => {
    const set = new Map<string, string>();
    presetSecurityHeaders({ setHeader: (name: string, value: string) => set.set(name, value) }, '/favicon.svg?v=1');
    expect(Object.fromEntries(set)).toEqual(SECURITY_HEADERS);
  });
});
