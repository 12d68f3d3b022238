/**
 * The pure evidence rules (DESIGN.md "Tip-offs" → Evidence): limits, accepted types, Chinese
 * error messages naming the file, display names kept as text, SVG and polyglot heuristics.
 * Inputs are generated here; no real files or personal data.
 */
import { describe, expect, it } from 'vitest';
import {
  ACCEPTED_EVIDENCE_TYPES,
  EVIDENCE_LIMITS,
  EvidenceError,
  findPolyglotMarker,
  isAcceptedEvidenceType,
  looksLikeSvgOrXml,
  safeDisplayName,
  tooManyEvidenceFiles,
} from '../../src/features/tips/evidence.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** `n` bytes of pseudo-random filler that contain no marker. */
function filler(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = 0x80 + ((i * 37) % 0x7f);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('limits and types', () => {
  it('has the documented limits', () => {
    expect(EVIDENCE_LIMITS.maxFiles).toBe(10);
    expect(EVIDENCE_LIMITS.maxBytes).toBe(20 * 1024 * 1024);
    expect(EVIDENCE_LIMITS.maxPixels).toBe(40_000_000);
    expect(tooManyEvidenceFiles(10)).toBe(false);
    expect(tooManyEvidenceFiles(11)).toBe(true);
  });

  it('accepts exactly JPEG, PNG, WebP, HEIC/HEIF, MP4 and PDF', () => {
    expect([...ACCEPTED_EVIDENCE_TYPES].sort()).toEqual(['application/pdf', 'image/heic', 'image/heif', 'image/jpeg', 'image/png', 'image/webp', 'video/mp4']);
    for (const t of ['image/svg+xml', 'image/gif', 'image/avif', 'video/quicktime', 'text/html', 'application/zip']) expect(isAcceptedEvidenceType(t)).toBe(false);
  });
});

describe('EvidenceError', () => {
  it('carries a code and a Chinese message naming the cleaned file name', () => {
    const e = new EvidenceError('tooLarge', 'C:\\Users\\x\\现场照片.jpg');
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('tooLarge');
    expect(e.fileName).toBe('现场照片.jpg');
    expect(e.message).toContain('“现场照片.jpg”');
    expect(e.message).toContain('20 MB');
  });

  it('has a message for every code', () => {
    for (const code of ['tooLarge', 'type', 'svg', 'polyglot', 'pixels', 'empty', 'corrupt'] as const) {
      expect(new EvidenceError(code, 'a.png').message).toMatch(/文件“a\.png”/u);
    }
    expect(new EvidenceError('tooMany').message).toContain('10');
  });
});

describe('safeDisplayName', () => {
  it('strips paths, control and invisible characters', () => {
    expect(safeDisplayName('../../etc/passwd')).toBe('passwd');
    expect(safeDisplayName('a\\b\\c.png')).toBe('c.png');
    expect(safeDisplayName('bad\u0000\u0007\u001b[31mname\r\n.jpg')).toBe('bad[31mname.jpg');
    expect(safeDisplayName('photo\u202Egpj.exe')).toBe('photogpj.exe');
    expect(safeDisplayName('  a   b  ')).toBe('a b');
    expect(safeDisplayName('')).toBe('未命名文件');
    expect(safeDisplayName('dir/')).toBe('未命名文件');
  });

  it('caps at 120 characters without splitting a character', () => {
    expect(Array.from(safeDisplayName('图'.repeat(300)))).toHaveLength(120);
    const emoji = safeDisplayName('😀'.repeat(200));
    expect(Array.from(emoji)).toHaveLength(120);
    expect(emoji).toBe('😀'.repeat(120));
  });
});

describe('looksLikeSvgOrXml', () => {
  it('spots SVG and XML text, with BOM or leading whitespace', () => {
    expect(looksLikeSvgOrXml(enc('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe(true);
    expect(looksLikeSvgOrXml(enc('\uFEFF  \n<?xml version="1.0"?><svg/>'))).toBe(true);
    expect(looksLikeSvgOrXml(enc('<SVG onload="x()">'))).toBe(true);
    expect(looksLikeSvgOrXml(enc('<!-- c --><svg width="1">'))).toBe(true);
    expect(looksLikeSvgOrXml(enc('hello world'))).toBe(false);
    expect(looksLikeSvgOrXml(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe(false);
  });
});

describe('findPolyglotMarker', () => {
  const head = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);

  it('finds HTML, a PDF header and an appended ZIP', () => {
    expect(findPolyglotMarker(concat(head, filler(4000), enc('<SCRIPT>alert(1)</script>')))).toBe('html');
    expect(findPolyglotMarker(concat(head, filler(4000), enc('<html>')))).toBe('html');
    expect(findPolyglotMarker(concat(head, enc('%PDF-1.7'), filler(4000)))).toBe('pdf');
    const zip = concat(enc('PK\u0003\u0004'), filler(100), enc('PK\u0005\u0006'), new Uint8Array(18));
    expect(findPolyglotMarker(concat(head, filler(4000), zip))).toBe('zip');
  });

  it('leaves clean bytes and lone or far-apart ZIP signatures alone', () => {
    expect(findPolyglotMarker(concat(head, filler(100_000)))).toBeNull();
    expect(findPolyglotMarker(concat(head, filler(1000), enc('PK\u0003\u0004'), filler(1000)))).toBeNull();
    expect(findPolyglotMarker(concat(head, enc('PK\u0005\u0006'), filler(70_000), enc('PK\u0003\u0004')))).toBeNull();
    expect(findPolyglotMarker(concat(head, enc('%PDF'), enc('<htmlx'), filler(100)))).toBeNull();
  });
});
