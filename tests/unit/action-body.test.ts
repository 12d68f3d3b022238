import { describe, expect, it } from 'vitest';
import { isUnreadableActionBody } from '../../src/lib/action-body.server.ts';

const form = (body: string, boundary = 'b') => ({ type: `multipart/form-data; boundary=${boundary}`, body });
const part = '--b\r\nContent-Disposition: form-data; name="receiptNo"\r\n\r\n1234\r\n';

describe('an action body Astro cannot read is told apart before the action runs', () => {
  it.each([
    ['JSON that parses is readable', 'application/json', '{"a":1}', false],
    ['JSON with a byte-order mark is readable, as Request.json() reads it', 'application/json', '\ufeff{"a":1}', false],
    ['an empty JSON body is "no input", which Astro accepts', 'application/json', '', false],
    ['JSON cut short is unreadable', 'application/json', '{"receiptNo":', true],
    ['JSON with a trailing brace is unreadable', 'application/json', '{"a":1}}', true],
    ['white space alone is unreadable JSON', 'application/json', ' ', true],
    ['the type is read case-insensitively, with parameters', 'Application/JSON; charset=utf-8', '{', true],
    ['a complete multipart body is readable', form(`${part}--b--\r\n`).type, form(`${part}--b--\r\n`).body, false],
    ['a multipart body without its closing boundary is unreadable', form(part).type, form(part).body, true],
    ['a multipart body under another boundary is unreadable', form(`${part}--b--\r\n`, 'other').type, `${part}--b--\r\n`, true],
    ['a multipart type without a boundary is unreadable', 'multipart/form-data', `${part}--b--\r\n`, true],
    ['a URL-encoded body always parses: left to Astro', 'application/x-www-form-urlencoded', '%zz=%', false],
    ['another type is left to Astro (its 415)', 'text/plain', '{', false],
    ['no type is left to Astro', '', '{', false],
  ])('%s', async (_rule, type, body, unreadable) => {
    const request = new Request('http://x/_actions/tips.track', { method: 'POST', headers: type ? { 'Content-Type': type } : {}, body });
    expect(await isUnreadableActionBody(request)).toBe(unreadable);
    // the request's own body is left for Astro
    expect(Buffer.from(await request.arrayBuffer()).toString('utf8')).toBe(body);
  });

  it('leaves a body over the limit to Astro (its 413), declared or not', async () => {
    const declared = new Request('http://x/', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': '11' }, body: '{{{{{{{{{{{' });
    expect(await isUnreadableActionBody(declared, 10)).toBe(false);
    const streamed = new Request('http://x/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('{{{{{{{{{{{')), c.close()) }),
      duplex: 'half',
    } as RequestInit);
    expect(await isUnreadableActionBody(streamed, 10)).toBe(false);
    expect(await isUnreadableActionBody(new Request('http://x/', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{{{' }), 10)).toBe(true);
  });
});
