/**
 * The streaming limits on tip uploads (src/cli/upload-guard.ts) in the site's real HTTP server
 * (src/cli/site-server.ts), with a stand-in for Astro that reports the body it was handed: a file
 * over 20 MiB is refused with 413 as it streams, in Chinese, as HTML for a form post and as an
 * Astro ActionError for a script call; the server keeps answering; a body within the limits
 * reaches Astro as its text fields, with the files handed over through src/lib/parsed-uploads.ts;
 * a client cannot name a parsed upload itself.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meiliClient } from '../../src/features/search/search.server.ts';
import { createSiteServer } from '../../src/cli/site-server.ts';
import { MAX_BODY_BYTES, MAX_IMPORT_BODY_BYTES } from '../../src/cli/upload-guard.ts';
import { putParsedUpload, takeParsedUpload, UPLOAD_HEADER } from '../../src/lib/parsed-uploads.ts';
import { freshDb } from './helpers.ts';

let server: http.Server;
let base = '';
/** What the stand-in for Astro received, in order: URL, body size, text body, handed-over files. */
const handed: { url: string; bytes: number; text: string; files: { field: string; name: string; size: number }[] | null }[] = [];

beforeAll(async () => {
  const astro = (req: http.IncomingMessage & { body?: unknown }, res: http.ServerResponse) => {
    const body = req.body;
    const files = takeParsedUpload(req.headers[UPLOAD_HEADER] as string | undefined);
    handed.push({
      url: req.url ?? '',
      bytes: Buffer.isBuffer(body) ? body.length : -1,
      text: Buffer.isBuffer(body) ? body.toString('utf8') : '',
      files: files && files.map((f) => ({ field: f.field, name: f.name, size: f.bytes.length })),
    });
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('astro');
  };
  server = createSiteServer(astro, freshDb(), meiliClient({ host: 'http://127.0.0.1:9' }), () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A tip form with one file of `size` bytes named `name`. */
function tipForm(name: string, size: number): FormData {
  const form = new FormData();
  form.append('subjectName', '无名作坊');
  form.append('description', '测试上传大小限制。');
  form.append('evidence', new Blob([new Uint8Array(size)], { type: 'image/jpeg' }), name);
  return form;
}

describe('tip uploads', () => {
  it('refuses a file over 20 MiB in a form post with a Chinese page naming it, and keeps answering', async () => {
    const before = handed.length;
    const res = await fetch(`${base}/report?_action=tips.submit`, { method: 'POST', body: tipForm('现场视频.mp4', 20 * 1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    expect(html).toContain('文件“现场视频.mp4”超过 20 MB');
    expect(html).toContain('href="/report"');
    expect(handed.length).toBe(before);
    const next = await fetch(`${base}/report?_action=tips.submit`, { method: 'POST', body: tipForm('a.jpg', 10) });
    expect(next.status).toBe(200);
  });

  it('answers a script call with the ActionError JSON the Astro client reads', async () => {
    const res = await fetch(`${base}/_actions/tips.message/`, { method: 'POST', body: tipForm('<b>补拍.mov', 21 * 1024 * 1024) });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { type: string; code: string; status: number; message: string };
    expect(body).toMatchObject({ type: 'AstroActionError', code: 'CONTENT_TOO_LARGE', status: 413 });
    expect(body.message).toContain('“<b>补拍.mov”');
  });

  it('hands Astro the text fields and the parsed files of a body within the limits; other requests are not read', async () => {
    const form = tipForm('现场.jpg', 20 * 1024 * 1024);
    form.append('evidence', new Blob([]), '');
    const res = await fetch(`${base}/_actions/tips.submit`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const last = handed.at(-1);
    expect(last?.url).toBe('/_actions/tips.submit');
    expect(last?.bytes).toBeLessThan(2000);
    // the fields, decoded and re-encoded as UTF-8, in a body Astro parses itself
    const reparsed = await new Request('http://x/', { method: 'POST', body: last?.text, headers: { 'Content-Type': `multipart/form-data; boundary=${/^--(.+)\r\n/u.exec(last?.text ?? '')?.[1] ?? ''}` } }).formData();
    expect(reparsed.get('subjectName')).toBe('无名作坊');
    expect(reparsed.get('description')).toBe('测试上传大小限制。');
    expect(reparsed.get('evidence')).toBeNull();
    expect(last?.files).toEqual([
      { field: 'evidence', name: '现场.jpg', size: 20 * 1024 * 1024 },
      { field: 'evidence', name: '', size: 0 },
    ]);
    // not a tip upload: passed on without reading the body
    await fetch(`${base}/search?q=x`, { method: 'POST', body: tipForm('x.jpg', 10) });
    expect(handed.at(-1)).toMatchObject({ url: '/search?q=x', bytes: -1, files: null });
  });

  it('ignores a parsed-upload header sent by a client', async () => {
    putParsedUpload([{ field: 'evidence', name: 'planted.jpg', bytes: Buffer.from('x') }]);
    const res = await fetch(`${base}/search?q=x`, { headers: { [UPLOAD_HEADER]: 'guess' } });
    expect(res.status).toBe(200);
    expect(handed.at(-1)).toMatchObject({ url: '/search?q=x', files: null });
  });

  it('refuses an official-table upload declaring more than its limit before Astro reads it', async () => {
    const before = handed.length;
    const body = new Uint8Array(MAX_IMPORT_BODY_BYTES + 1);
    const res = await fetch(`${base}/_actions/imports.upload`, { method: 'POST', body, headers: { 'Content-Type': 'multipart/form-data; boundary=x' } });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'CONTENT_TOO_LARGE', message: '文件超过 5 MB，请分成几个文件导入' });
    const page = await fetch(`${base}/admin/import?_action=imports.upload`, { method: 'POST', body, headers: { 'Content-Type': 'multipart/form-data; boundary=x' } });
    expect(page.status).toBe(413);
    expect(await page.text()).toContain('文件超过 5 MB');
    expect(handed.length).toBe(before);
  });

  it.each(['\u0000', '\u0001', '\u001f', '\u007f'])('answers a file name with the control character %j at once, handing Astro the body byte for byte', async (control) => {
    // busboy refuses such a part header; Astro's own parser reads it (the action then cleans the name)
    const before = handed.length;
    const form = tipForm(`现场${control}照片.jpg`, 10);
    const res = await fetch(`${base}/_actions/tips.submit`, { method: 'POST', body: form, signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
    expect(handed.length).toBe(before + 1);
    const last = handed.at(-1);
    expect(last?.files).toBeNull();
    expect(last?.text).toContain(`filename="现场${control}照片.jpg"`);
    expect(last?.text).toContain('测试上传大小限制。');
  });

  it('answers a body cut short inside a file, and the server keeps answering', async () => {
    const body = '--x\r\nContent-Disposition: form-data; name="description"\r\n\r\n测试\r\n--x\r\nContent-Disposition: form-data; name="evidence"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\u00ff\u00d8\u00ff';
    const res = await fetch(`${base}/report?_action=tips.submit`, { method: 'POST', body, headers: { 'Content-Type': 'multipart/form-data; boundary=x' }, signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
    expect(handed.at(-1)).toMatchObject({ url: '/report?_action=tips.submit', text: body, files: null });
    expect((await fetch(`${base}/search?q=x`)).status).toBe(200);
  });

  it('refuses a declared body over the whole limit before reading it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${base}/report?_action=tips.submit`, {
        method: 'POST',
        headers: { 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(MAX_BODY_BYTES + 1) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write('--x\r\n');
    });
    expect(status).toBe(413);
  });
});
